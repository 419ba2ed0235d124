using System.Globalization;
using System.Text.Json;

namespace MagNet.ML;

/// <summary>
/// Reads the JSONL/folder format: one JSON object per line with <c>image</c> (a path relative to the JSONL's folder,
/// or absolute), <c>expression</c>, an optional <c>mask</c> — a PNG path, a COCO polygon list
/// <c>[[x0,y0,x1,y1,...],...]</c> or an RLE <c>{"size":[h,w],"counts": string or list}</c> — and optional <c>id</c>
/// (default: the line number) and <c>split</c>. Every other field is kept in <see cref="ReferringRecord.Extras"/>
/// (strings as they are, other values as JSON text). Blank lines are ignored.
/// </summary>
internal static class JsonlDataset
{
    private static readonly HashSet<string> StandardKeys = new(StringComparer.Ordinal) { "id", "image", "expression", "mask", "split" };

    /// <summary>Reads the rows; <paramref name="simpleExtraKeys"/> gets the extra fields whose values were all strings, numbers or booleans.</summary>
    public static ReferringRecordList Read(string path, JsonlOptions options, out IReadOnlyList<string> simpleExtraKeys)
    {
        var extraKeys = new List<string>();
        var complexKeys = new HashSet<string>(StringComparer.Ordinal);
        if (!File.Exists(path)) throw new FileNotFoundException($"JSONL file '{path}' does not exist.", path);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var records = new List<ReferringRecord>();
        var skipped = new List<SkippedRow>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            string where = $"'{path}' line {lineNumber}";
            try
            {
                var record = ReadRow(line, lineNumber, where, folder, options, extraKeys, complexKeys);
                if (ids.TryGetValue(record.Id, out int first))
                    throw new InvalidDataException($"{where}: id '{record.Id}' was already used on line {first}.");
                ids[record.Id] = lineNumber;
                records.Add(record);
            }
            catch (Exception e) when (options.SkipInvalidRows && e is InvalidDataException or FileNotFoundException)
            {
                skipped.Add(new SkippedRow($"line {lineNumber}", e.Message));
            }
        }
        simpleExtraKeys = extraKeys.Where(k => !complexKeys.Contains(k)).ToList();
        return new ReferringRecordList(records, skipped);
    }

    private static ReferringRecord ReadRow(string line, int lineNumber, string where, string folder, JsonlOptions options,
        List<string> extraKeys, HashSet<string> complexKeys)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{where}: not valid JSON ({e.Message}).", e);
        }
        using (document)
        {
            var row = document.RootElement;
            if (row.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{where}: a row must be a JSON object, not a {CocoSegmentation.Describe(row.ValueKind)}.");

            string image = RequireText(row, "image", where);
            string expression = RequireText(row, "expression", where);
            string id = lineNumber.ToString(CultureInfo.InvariantCulture);
            if (row.TryGetProperty("id", out var idValue))
            {
                id = idValue.ValueKind switch
                {
                    JsonValueKind.String => idValue.GetString()!,
                    JsonValueKind.Number => idValue.GetRawText(),
                    _ => throw new InvalidDataException($"{where}: \"id\" must be a string or a number."),
                };
                if (id.Length == 0) throw new InvalidDataException($"{where}: \"id\" is empty.");
            }
            string split = "";
            if (row.TryGetProperty("split", out var splitValue) && splitValue.ValueKind != JsonValueKind.Null)
            {
                if (splitValue.ValueKind != JsonValueKind.String)
                    throw new InvalidDataException($"{where}: \"split\" must be a string.");
                split = splitValue.GetString()!;
            }
            string imagePath = Resolve(folder, image);
            string rowName = $"{where} (id '{id}')";

            string? maskPath = null;
            CocoSegmentation? segmentation = null;
            bool hasMask = false;
            if (row.TryGetProperty("mask", out var mask) && mask.ValueKind != JsonValueKind.Null)
            {
                hasMask = true;
                if (mask.ValueKind == JsonValueKind.String)
                {
                    maskPath = Resolve(folder, mask.GetString()!);
                }
                else
                {
                    try
                    {
                        segmentation = CocoSegmentation.Parse(mask);
                    }
                    catch (InvalidDataException e)
                    {
                        throw new InvalidDataException($"{where}: \"mask\": {e.Message}", e);
                    }
                }
            }

            var extras = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in row.EnumerateObject())
            {
                if (StandardKeys.Contains(property.Name)) continue;
                if (!extraKeys.Contains(property.Name)) extraKeys.Add(property.Name);
                if (property.Value.ValueKind is JsonValueKind.Array or JsonValueKind.Object) complexKeys.Add(property.Name);
                extras[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString()!,
                    JsonValueKind.Null => "",
                    _ => property.Value.GetRawText(),
                };
            }

            var size = new ImageSize(imagePath, rowName);
            if (options.VerifyFiles)
            {
                size.Read();
                if (hasMask) CheckMask(maskPath, segmentation, size, options.PolygonTolerance, rowName);
            }

            double tolerance = options.PolygonTolerance;
            return new ReferringRecord
            {
                Id = id,
                Expression = expression,
                ImagePath = imagePath,
                Split = split,
                LoadImage = () =>
                {
                    var (w, h) = size.Read();
                    return ImageFiles.Load(imagePath, rowName, w, h);
                },
                LoadMask = hasMask ? () => LoadMask(maskPath, segmentation, size, tolerance, rowName) : null,
                Extras = extras,
            };
        }
    }

    private static void CheckMask(string? maskPath, CocoSegmentation? segmentation, ImageSize size, double tolerance, string where)
    {
        var (w, h) = size.Read();
        if (maskPath is not null)
        {
            if (!File.Exists(maskPath)) throw new FileNotFoundException($"{where}: mask '{maskPath}' does not exist.", maskPath);
            if (!ImageFiles.TryReadSize(maskPath, out int mw, out int mh))
                throw new InvalidDataException($"{where}: mask '{maskPath}' is not a readable image (corrupt or unsupported format).");
            if (mw != w || mh != h)
                throw new InvalidDataException($"{where}: mask '{maskPath}' is {mw}×{mh} but the image is {w}×{h}.");
            return;
        }
        try
        {
            segmentation!.Validate(h, w, tolerance);
            if (!segmentation.IsPolygons) segmentation.ToMask(h, w); // decodes the counts: catches corrupt strings now
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{where}: \"mask\": {e.Message}", e);
        }
    }

    private static BinaryMask LoadMask(string? maskPath, CocoSegmentation? segmentation, ImageSize size, double tolerance, string where)
    {
        CheckMask(maskPath, segmentation, size, tolerance, where);
        var (w, h) = size.Read();
        if (maskPath is not null)
        {
            try
            {
                return BinaryMask.LoadImage(maskPath);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{where}: {e.Message}", e);
            }
        }
        try
        {
            return segmentation!.ToMask(h, w);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{where}: \"mask\": {e.Message}", e);
        }
    }

    private static string RequireText(JsonElement row, string key, string where)
    {
        if (!row.TryGetProperty(key, out var value))
            throw new InvalidDataException($"{where}: \"{key}\" is missing.");
        if (value.ValueKind != JsonValueKind.String)
            throw new InvalidDataException($"{where}: \"{key}\" must be a string, not a {CocoSegmentation.Describe(value.ValueKind)}.");
        string text = value.GetString()!;
        if (string.IsNullOrWhiteSpace(text)) throw new InvalidDataException($"{where}: \"{key}\" is empty.");
        return text;
    }

    private static string Resolve(string folder, string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(folder, path));

    /// <summary>An image's size, read from its header once, on first need.</summary>
    private sealed class ImageSize(string path, string where)
    {
        private (int, int)? _size;

        public (int Width, int Height) Read() => _size ??= ImageFiles.ReadSize(path, where);
    }
}
