using System.Globalization;
using System.Text;
using MagNet.ML;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.Cli;

/// <summary>
/// <c>magnet evaluate --model</c>: runs a saved model on labelled JSONL rows, writes each predicted mask as
/// <c>&lt;row id&gt;.png</c> and accumulates the metrics, per template family too when rows have a <c>template</c>.
/// </summary>
internal static class ModelEvaluation
{
    private const string TemplateKey = "template";

    public static ReferringSegmentationMetrics Run(string modelPath, string dataPath, string predictionFolder, string? split, int? threads, TextWriter output)
    {
        if (threads is int t)
        {
            if (t < 1) throw new ArgumentException($"evaluate --threads: {t} is not allowed; it must be at least 1.");
            TorchSharp.torch.set_num_threads(t);
        }
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"evaluate --model: the model file '{modelPath}' does not exist.", modelPath);
        var rows = ReferringJsonlInput.ReadLabelled(dataPath, split, "evaluate --data");
        var fileNames = FileNames(rows, dataPath);
        bool grouped = rows.Any(r => r.Extras.ContainsKey(TemplateKey));

        var ml = new MLContext(seed: 1);
        using var transformer = MagNetTransformer.Load(ml, modelPath);
        var scored = transformer.Transform(ReferringDatasets.FromRecords(ml, rows));
        Directory.CreateDirectory(predictionFolder);
        var accumulator = new ReferringSegmentationAccumulator();
        var truthColumn = scored.Schema[ReferringColumnNames.Mask];
        var predictedColumn = scored.Schema[transformer.PredictedMaskColumnName];
        using (var cursor = scored.GetRowCursor([truthColumn, predictedColumn]))
        {
            var getTruth = cursor.GetGetter<MLImage>(truthColumn);
            var getPredicted = cursor.GetGetter<VBuffer<byte>>(predictedColumn);
            MLImage truthImage = null!;
            VBuffer<byte> predicted = default;
            int index = 0;
            while (cursor.MoveNext())
            {
                var row = rows[index];
                getTruth(ref truthImage);
                getPredicted(ref predicted);
                var truth = BinaryMask.FromMLImage(truthImage);
                var mask = new BinaryMask(truth.Width, truth.Height, predicted.DenseValues().ToArray());
                mask.SavePng(Path.Combine(predictionFolder, fileNames[index]));
                string? group = grouped ? row.Extras.GetValueOrDefault(TemplateKey, "") : null;
                accumulator.Add(truth.Data, mask.Data, group, row.Id);
                index++;
            }
        }
        output.WriteLine($"Wrote {rows.Count} predicted masks to {Path.GetFullPath(predictionFolder)}.");
        return accumulator.Metrics;
    }

    /// <summary>oIoU, mIoU and Prec@0.5..0.9 (×100) per group, one line each.</summary>
    public static string GroupTable(ReferringSegmentationMetrics metrics)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"Per template (IoU and precision ×100)");
        sb.AppendLine(c, $"  {"template",-18}{"rows",6}{"oIoU",8}{"mIoU",8}{"P@0.5",8}{"P@0.6",8}{"P@0.7",8}{"P@0.8",8}{"P@0.9",8}");
        foreach (var (name, m) in metrics.Groups.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            sb.Append(c, $"  {(name.Length == 0 ? "(none)" : name),-18}{m.Count,6}{Percent(m.OverallIoU),8}{Percent(m.MeanIoU),8}");
            foreach (var (_, precision) in m.PrecisionAt.OrderBy(p => p.Key)) sb.Append(c, $"{Percent(precision),8}");
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static string Percent(double value) => double.IsNaN(value) ? "n/a" : (100 * value).ToString("F2", CultureInfo.InvariantCulture);

    /// <summary>
    /// <c>&lt;id&gt;.png</c> per row, with characters that cannot be in a file name replaced by <c>_</c>; two rows
    /// that end up with the same name are an <see cref="InvalidDataException"/> naming both ids.
    /// </summary>
    private static string[] FileNames(IReadOnlyList<ReferringRecord> rows, string dataPath)
    {
        var invalid = Path.GetInvalidFileNameChars().Append('\\').ToHashSet();
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var names = new string[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            string id = rows[i].Id;
            string name = new string(id.Select(ch => invalid.Contains(ch) ? '_' : ch).ToArray());
            if (name is "" or "." or "..") name = "_" + name;
            name += ".png";
            if (!seen.TryAdd(name, id))
                throw new InvalidDataException($"evaluate --data: rows '{seen[name]}' and '{id}' of '{dataPath}' would both be written as '{name}'; give the rows distinct ids.");
            names[i] = name;
        }
        return names;
    }
}
