using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using MagNet.ML;

namespace MagNet.Cli.Commands;

/// <summary>
/// <c>magnet convert-refer</c>: converts one split of a REFER data set (RefCOCO, RefCOCO+, G-Ref) or gRefCOCO into
/// the JSONL/folder format — <c>OUT/data.jsonl</c> (one row per sentence: id, image, mask, expression, split,
/// ref_id, ann_id, sent_id) and <c>OUT/masks/&lt;id&gt;.png</c>. Images are referenced, not copied.
/// </summary>
internal static class ConvertReferCommand
{
    public static Command Create()
    {
        var root = new Option<DirectoryInfo>("--root")
        {
            Description = "REFER data folder: holds <dataset>/refs(<split-by>).p (grefcoco: grefs(<split-by>).json) and instances.json.",
            Required = true,
        };
        var dataset = new Option<string>("--dataset")
        {
            Description = "refcoco, refcoco+, refcocog or grefcoco.",
            DefaultValueFactory = _ => "refcoco",
        };
        var splitBy = new Option<string>("--split-by")
        {
            Description = "Refs variant: unc (RefCOCO/RefCOCO+/gRefCOCO), umd or google (G-Ref).",
            DefaultValueFactory = _ => "unc",
        };
        var split = new Option<string>("--split")
        {
            Description = "train, val, test, testA, testB (REFER's rules: testA = splits containing 'A'), or all.",
            Required = true,
        };
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Output folder for data.jsonl and masks/.",
            Required = true,
        };
        var images = new Option<DirectoryInfo?>("--images")
        {
            Description = "COCO train2014 image folder (default: <root>/images/mscoco/images/train2014; grefcoco: <root>/images/train2014).",
        };
        var skipMissing = new Option<bool>("--skip-missing-images")
        {
            Description = "Leave out rows whose image is missing or unreadable, and report them, instead of failing.",
        };
        var unionOverlaps = new Option<bool>("--union-overlaps")
        {
            Description = "Keep pixels covered by two polygons of an object (default: background, REFER's mask == 1 rule used by LAVT/MagNet).",
        };
        var imagePaths = new Option<JsonlImagePaths>("--image-paths")
        {
            Description = "How rows reference images: Auto (relative inside --out, else absolute), Relative or Absolute.",
            DefaultValueFactory = _ => JsonlImagePaths.Auto,
        };

        var command = new Command("convert-refer", "Convert a REFER / gRefCOCO split to the JSONL + PNG mask layout.")
        {
            root, dataset, splitBy, split, output, images, skipMissing, unionOverlaps, imagePaths,
        };
        command.SetAction(parse =>
        {
            var options = new ReferOptions
            {
                ImageDirectory = parse.GetValue(images)?.FullName,
                SkipMissingImages = parse.GetValue(skipMissing),
                OverlapAsBackground = !parse.GetValue(unionOverlaps),
            };
            string splitName = parse.GetValue(split)!;
            return Run(parse.GetValue(root)!.FullName, parse.GetValue(dataset)!, parse.GetValue(splitBy)!,
                splitName == "all" ? "" : splitName, parse.GetValue(output)!.FullName, parse.GetValue(imagePaths), options,
                parse.InvocationConfiguration.Output);
        });
        return command;
    }

    private static int Run(string root, string dataset, string splitBy, string split, string outputDirectory,
        JsonlImagePaths imagePaths, ReferOptions options, TextWriter console)
    {
        var records = ReferringDatasets.ReadRefer(root, dataset, splitBy, split, options);
        using (var writer = new ReferringJsonlWriter(outputDirectory, imagePaths))
        {
            string? maskRef = null;
            BinaryMask? mask = null;
            foreach (var record in records)
            {
                // All sentences of a ref share its mask: decode it once per ref.
                string refId = record.Extras["ref_id"];
                if (refId != maskRef)
                {
                    mask = record.LoadMask!();
                    maskRef = refId;
                }
                var extras = new Dictionary<string, JsonNode?>
                {
                    ["ref_id"] = long.Parse(refId, CultureInfo.InvariantCulture),
                    ["ann_id"] = JsonNode.Parse(record.Extras["ann_id"]),
                    ["sent_id"] = long.Parse(record.Extras["sent_id"], CultureInfo.InvariantCulture),
                };
                writer.Write(record.Id, record.ImagePath!, record.Expression, mask, record.Split, extras);
            }
            writer.Complete();
            console.WriteLine($"Wrote {writer.RowCount} rows to {writer.JsonlPath} (masks in {Path.Combine(writer.OutputDirectory, ReferringJsonlWriter.MasksFolderName)}).");
        }
        if (records.SkippedRows.Count > 0)
        {
            console.WriteLine($"Skipped {records.SkippedRows.Count} rows: {string.Join(", ", records.SkippedRows.Select(r => r.Row))}.");
            var reasons = records.SkippedRows.Select(r => r.Reason).Distinct().ToList();
            foreach (string reason in reasons.Take(10)) console.WriteLine($"  {reason}");
            if (reasons.Count > 10) console.WriteLine($"  ... and {reasons.Count - 10} more.");
        }
        return 0;
    }
}
