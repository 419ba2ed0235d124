using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MagNet.ML;

namespace MagNet.Cli.Commands;

/// <summary>
/// The <c>magnet evaluate</c> command: compares a folder of predicted masks with a folder of ground-truth masks
/// (<c>--gt DIR --pred DIR</c>), or runs a trained model on labelled JSONL rows, writes its masks and compares them
/// (<c>--model model.zip --data DIR/data.jsonl --pred-out DIR2</c>).
/// </summary>
/// <remarks>
/// <para>Model mode: every row of <c>--data</c> (or of its split <c>--split</c>) is predicted; the mask is written as
/// <c>--pred-out/&lt;row id&gt;.png</c> (0/255, the image's size; characters not allowed in file names become
/// <c>_</c>), so the folders can be compared again with <c>--gt/--pred</c>. The same metrics are printed, and per
/// template family as well when the rows have a <c>template</c> field (the synthetic set's); <c>--json</c> then also
/// holds <c>groups</c> (the same fields per family).</para>
/// <para>Every image file under <c>--gt</c> (recursively; .png, .jpg, .jpeg, .bmp, .gif, .webp) is one sample; its
/// prediction is the file with the same relative path under <c>--pred</c> (case-sensitive, extension included). Any
/// non-zero colour channel is foreground. A missing prediction or a size mismatch is an error naming the file. A
/// prediction with no ground truth is an error too (it usually means misnamed files), unless
/// <c>--allow-extra</c> turns it into a warning.</para>
/// <para>The table prints IoU values ×100 as papers do. The JSON file (<c>--json</c>) holds <c>count</c>,
/// <c>oIoU</c>, <c>mIoU</c>, <c>precision</c> (object keyed "0.5" … "0.9"), <c>cumI</c>, <c>cumU</c>, and when
/// some ground truths are empty also <c>noTargetCount</c>, <c>gIoU</c>, <c>cIoU</c>, <c>nAcc</c>, <c>tAcc</c>:
/// IoU values, precisions and accuracies are fractions in [0, 1], not percentages; an undefined value is null.
/// Metric definitions: <see cref="ReferringSegmentationMetrics"/>.</para>
/// </remarks>
internal static class EvaluateCommand
{
    private static readonly HashSet<string> MaskExtensions =
        new(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp" };

    public static Command Create()
    {
        var gt = new Option<string?>("--gt")
        {
            Description = "Folder of ground-truth masks (searched recursively; non-zero = foreground).",
            HelpName = "DIR",
        };
        var pred = new Option<string?>("--pred")
        {
            Description = "Folder of predicted masks, with the same relative file names as --gt.",
            HelpName = "DIR",
        };
        var model = new Option<string?>("--model")
        {
            Description = "Model mode: a model file (magnet train) to run on --data.",
            HelpName = "FILE",
        };
        var data = new Option<string?>("--data")
        {
            Description = "Model mode: labelled rows (JSONL) to predict and evaluate.",
            HelpName = "FILE",
        };
        var predOut = new Option<string?>("--pred-out")
        {
            Description = "Model mode: folder to write the predicted masks into, as <row id>.png.",
            HelpName = "DIR",
        };
        var split = new Option<string?>("--split")
        {
            Description = "Model mode: evaluate only the rows of --data with this split.",
            HelpName = "NAME",
        };
        var threads = new Option<int?>("--threads") { Description = "Model mode: TorchSharp threads (default: leave torch's setting)." };
        var json = new Option<string?>("--json")
        {
            Description = "Also write the metrics as JSON; oIoU, mIoU, precision (and gIoU, cIoU, nAcc, tAcc) are fractions in [0,1].",
            HelpName = "FILE",
        };
        var allowExtra = new Option<bool>("--allow-extra")
        {
            Description = "Warn about, instead of failing on, predictions that have no ground-truth mask.",
        };
        var command = new Command("evaluate",
            "Compare predicted masks with ground-truth masks: oIoU, mIoU, Prec@0.5..0.9 (×100 in the table), " +
            "and gRefCOCO's gIoU, cIoU, N-acc, T-acc when some ground truths are empty.")
        {
            gt, pred, json, allowExtra, model, data, predOut, split, threads,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            string? gtDir = parse.GetValue(gt), predDir = parse.GetValue(pred);
            string? modelPath = parse.GetValue(model), dataPath = parse.GetValue(data), predOutDir = parse.GetValue(predOut);
            bool folderMode = gtDir is not null || predDir is not null;
            bool modelMode = modelPath is not null || dataPath is not null || predOutDir is not null;
            if (folderMode == modelMode)
                throw new ArgumentException("evaluate: give either --gt DIR and --pred DIR, or --model FILE, --data FILE and --pred-out DIR.");
            ReferringSegmentationMetrics metrics;
            if (folderMode)
            {
                if (gtDir is null || predDir is null) throw new ArgumentException($"evaluate: {(gtDir is null ? "--gt" : "--pred")} is missing; the folder mode needs both --gt and --pred.");
                if (parse.GetValue(split) is not null || parse.GetValue(threads) is not null)
                    throw new ArgumentException("evaluate: --split and --threads belong to the model mode (--model, --data, --pred-out).");
                metrics = Evaluate(gtDir, predDir, parse.GetValue(allowExtra), error);
            }
            else
            {
                if (modelPath is null || dataPath is null || predOutDir is null)
                    throw new ArgumentException($"evaluate: {(modelPath is null ? "--model" : dataPath is null ? "--data" : "--pred-out")} is missing; the model mode needs --model, --data and --pred-out.");
                if (parse.GetValue(allowExtra)) throw new ArgumentException("evaluate: --allow-extra belongs to the folder mode (--gt, --pred).");
                metrics = ModelEvaluation.Run(modelPath, dataPath, predOutDir, parse.GetValue(split), parse.GetValue(threads), output);
            }
            output.Write(metrics.ToString());
            if (metrics.Groups.Count > 0) output.Write(ModelEvaluation.GroupTable(metrics));
            string? jsonPath = parse.GetValue(json);
            if (jsonPath is not null)
            {
                WriteJson(metrics, jsonPath);
                output.WriteLine($"Wrote {jsonPath}");
            }
            return 0;
        });
        return command;
    }

    private static ReferringSegmentationMetrics Evaluate(string gtDir, string predDir, bool allowExtra, TextWriter error)
    {
        var gtFiles = ListMasks(gtDir, "--gt");
        var predFiles = ListMasks(predDir, "--pred");
        if (gtFiles.Count == 0)
            throw new InvalidDataException(
                $"No mask images ({string.Join(", ", MaskExtensions.Order())}) under the ground-truth folder '{gtDir}'.");

        var missing = gtFiles.Where(f => !predFiles.Contains(f)).ToList();
        if (missing.Count > 0)
            throw new FileNotFoundException(
                $"{missing.Count} of {gtFiles.Count} predictions are missing: no '{Path.Combine(predDir, missing[0])}' for " +
                $"ground truth '{Path.Combine(gtDir, missing[0])}'{More(missing)}.", Path.Combine(predDir, missing[0]));

        var extra = predFiles.Where(f => !gtFiles.Contains(f)).ToList();
        if (extra.Count > 0)
        {
            string message = $"{extra.Count} predictions have no ground truth: '{Path.Combine(predDir, extra[0])}' " +
                             $"has no '{Path.Combine(gtDir, extra[0])}'{More(extra)}";
            if (!allowExtra) throw new InvalidDataException(message + " (pass --allow-extra to ignore them).");
            error.WriteLine($"magnet: warning: {message}; they are ignored.");
        }

        var accumulator = new ReferringSegmentationAccumulator();
        foreach (string relative in gtFiles)
        {
            string gtPath = Path.Combine(gtDir, relative), predPath = Path.Combine(predDir, relative);
            var truth = BinaryMask.LoadImage(gtPath);
            var prediction = BinaryMask.LoadImage(predPath);
            if (truth.Width != prediction.Width || truth.Height != prediction.Height)
                throw new InvalidDataException(
                    $"Prediction '{predPath}' is {prediction.Width}×{prediction.Height} but ground truth '{gtPath}' is " +
                    $"{truth.Width}×{truth.Height}; masks must have the same size.");
            accumulator.Add(truth.Data, prediction.Data, id: relative);
        }
        return accumulator.Metrics;
    }

    /// <summary>Relative paths (with '/' separators, ordinal order) of the mask images under a folder.</summary>
    private static SortedSet<string> ListMasks(string folder, string option)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"The {option} folder '{folder}' does not exist.");
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            if (MaskExtensions.Contains(Path.GetExtension(path)))
                files.Add(Path.GetRelativePath(folder, path).Replace(Path.DirectorySeparatorChar, '/'));
        return files;
    }

    private static string More(List<string> names) =>
        names.Count == 1 ? "" : $" (and {names.Count - 1} more: {string.Join(", ", names.Skip(1).Take(5))}{(names.Count > 6 ? ", …" : "")})";

    private static void WriteJson(ReferringSegmentationMetrics m, string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        WriteFields(writer, m);
        if (m.Groups.Count > 0)
        {
            writer.WriteStartObject("groups");
            foreach (var (name, group) in m.Groups.OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                writer.WriteStartObject(name);
                WriteFields(writer, group);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    private static void WriteFields(Utf8JsonWriter writer, ReferringSegmentationMetrics m)
    {
        writer.WriteNumber("count", m.Count);
        WriteFraction(writer, "oIoU", m.OverallIoU);
        WriteFraction(writer, "mIoU", m.MeanIoU);
        writer.WriteStartObject("precision");
        foreach (var (threshold, precision) in m.PrecisionAt.OrderBy(p => p.Key))
            WriteFraction(writer, threshold.ToString(CultureInfo.InvariantCulture), precision);
        writer.WriteEndObject();
        writer.WriteNumber("cumI", m.CumulativeIntersection);
        writer.WriteNumber("cumU", m.CumulativeUnion);
        if (m.HasNoTargetRows)
        {
            writer.WriteNumber("noTargetCount", m.NoTargetCount);
            WriteFraction(writer, "gIoU", m.GeneralizedIoU!.Value);
            WriteFraction(writer, "cIoU", m.CumulativeIoU!.Value);
            WriteFraction(writer, "nAcc", m.NoTargetAccuracy!.Value);
            WriteFraction(writer, "tAcc", m.TargetAccuracy!.Value);
        }
    }

    private static void WriteFraction(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsNaN(value)) writer.WriteNull(name);
        else writer.WriteNumber(name, value);
    }
}
