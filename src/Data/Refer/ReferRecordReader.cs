using System.Globalization;

namespace MagNet.ML;

/// <summary>Turns selected REFER / gRefCOCO refs into one <see cref="ReferringRecord"/> per sentence.</summary>
internal static class ReferRecordReader
{
    /// <summary>Extras keys every REFER row carries.</summary>
    public static readonly string[] ExtraKeys = { "ref_id", "ann_id", "sent_id" };

    public static ReferringRecordList Read(IReadOnlyList<ReferRef> refs, CocoInstances instances, string imageDirectory,
        bool multiTarget, ReferOptions options, string refsPath)
    {
        var records = new List<ReferringRecord>();
        var skipped = new List<SkippedRow>();
        var sentIds = new HashSet<long>();
        var headers = new Dictionary<string, (bool Readable, int Width, int Height)>();

        foreach (var reference in refs)
        {
            string where = $"'{refsPath}' ref_id {reference.RefId}";
            foreach (var sentence in reference.Sentences)
                if (!sentIds.Add(sentence.SentId))
                    throw new InvalidDataException($"{where}: sent_id {sentence.SentId} appears in more than one place.");

            CocoImage image;
            List<CocoAnnotation> targets;
            try
            {
                (image, targets) = Resolve(reference, instances, multiTarget, options, where);
            }
            catch (InvalidDataException e) when (options.SkipInvalidRows)
            {
                Skip(reference, e.Message, skipped);
                continue;
            }

            string imagePath = Path.Combine(imageDirectory, image.FileName);
            if (!File.Exists(imagePath))
            {
                string reason = $"{where}: image '{imagePath}' does not exist.";
                if (!options.SkipMissingImages) throw new FileNotFoundException(reason, imagePath);
                Skip(reference, reason, skipped);
                continue;
            }
            if (options.VerifyImages)
            {
                if (!headers.TryGetValue(imagePath, out var header))
                {
                    bool readable = ImageFiles.TryReadSize(imagePath, out int w, out int h);
                    headers[imagePath] = header = (readable, w, h);
                }
                if (!header.Readable)
                {
                    string reason = $"{where}: image '{imagePath}' is not a readable image (corrupt or unsupported format).";
                    if (!options.SkipMissingImages) throw new InvalidDataException(reason);
                    Skip(reference, reason, skipped);
                    continue;
                }
                if (header.Width != image.Width || header.Height != image.Height)
                {
                    string reason = $"{where}: image '{imagePath}' is {header.Width}×{header.Height} but '{instances.Path}' " +
                                    $"says {image.Width}×{image.Height}, so the mask would not fit it.";
                    if (!options.SkipInvalidRows) throw new InvalidDataException(reason);
                    Skip(reference, reason, skipped);
                    continue;
                }
            }

            string annText = multiTarget
                ? "[" + string.Join(",", reference.AnnIds.Select(a => a.ToString(CultureInfo.InvariantCulture))) + "]"
                : reference.AnnIds[0].ToString(CultureInfo.InvariantCulture);
            bool overlapAsBackground = !multiTarget && options.OverlapAsBackground;
            foreach (var sentence in reference.Sentences)
            {
                string id = sentence.SentId.ToString(CultureInfo.InvariantCulture);
                string row = $"{where} sent_id {id}";
                var captured = image;
                records.Add(new ReferringRecord
                {
                    Id = id,
                    Expression = sentence.Raw,
                    ImagePath = imagePath,
                    Split = reference.Split,
                    LoadImage = () => ImageFiles.Load(imagePath, row, captured.Width, captured.Height),
                    LoadMask = () => MakeMask(targets, captured, overlapAsBackground, row),
                    Extras = new Dictionary<string, string>
                    {
                        ["ref_id"] = reference.RefId.ToString(CultureInfo.InvariantCulture),
                        ["ann_id"] = annText,
                        ["sent_id"] = id,
                    },
                });
            }
        }
        return new ReferringRecordList(records, skipped);
    }

    private static (CocoImage Image, List<CocoAnnotation> Targets) Resolve(ReferRef reference, CocoInstances instances,
        bool multiTarget, ReferOptions options, string where)
    {
        if (!instances.Images.TryGetValue(reference.ImageId, out var image))
            throw new InvalidDataException($"{where}: image_id {reference.ImageId} is not in '{instances.Path}'.");
        var targets = new List<CocoAnnotation>();
        if (!multiTarget && reference.AnnIds.Count != 1)
            throw new InvalidDataException($"{where}: a REFER ref has one ann_id, this one has {reference.AnnIds.Count}.");
        if (multiTarget && reference.IsNoTarget) return (image, targets);
        foreach (long annId in reference.AnnIds)
        {
            if (!instances.Annotations.TryGetValue(annId, out var ann))
                throw new InvalidDataException($"{where}: ann_id {annId} is not in '{instances.Path}'.");
            if (ann.ImageId != reference.ImageId)
                throw new InvalidDataException(
                    $"{where}: ann_id {annId} belongs to image_id {ann.ImageId}, but the ref is on image_id {reference.ImageId}.");
            if (multiTarget && ann.IsCrowd) continue; // gRefCOCO's loader skips crowd annotations
            try
            {
                ann.Segmentation.Validate(image.Height, image.Width, options.PolygonTolerance);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{where}: ann_id {annId} in '{instances.Path}': {e.Message}", e);
            }
            targets.Add(ann);
        }
        return (image, targets);
    }

    private static BinaryMask MakeMask(List<CocoAnnotation> targets, CocoImage image, bool overlapAsBackground, string row)
    {
        try
        {
            var mask = new BinaryMask(image.Width, image.Height);
            foreach (var ann in targets)
                mask.UnionWith(ann.Segmentation.ToMask(image.Height, image.Width, overlapAsBackground));
            return mask;
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{row}: {e.Message}", e);
        }
    }

    private static void Skip(ReferRef reference, string reason, List<SkippedRow> skipped)
    {
        foreach (var sentence in reference.Sentences)
            skipped.Add(new SkippedRow(sentence.SentId.ToString(CultureInfo.InvariantCulture), reason));
    }
}
