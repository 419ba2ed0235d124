using System.Globalization;
using System.Text.Json;

namespace MagNet.ML.Ablation;

/// <summary>Turns the results file into markdown: mean ± std over seeds per variant, and Mask Grounding's costs.</summary>
internal static class AblationReport
{
    private static readonly string[] Subsets = ["val", "val-relational", "test-compositional", "test-rare"];

    public static int Print(string path)
    {
        var results = File.ReadAllLines(path).Where(l => l.Length > 0)
            .Select(l => JsonSerializer.Deserialize<AblationResult>(l, AblationResult.Json)!).ToList();
        var byVariant = AblationVariant.All.Select(v => (v.Name, Runs: results.Where(r => r.Variant == v.Name).ToList()))
            .Where(g => g.Runs.Count > 0).ToList();
        var first = results[0];
        Console.WriteLine($"MagNet-Tiny 128², {first.TrainRows} synthetic train rows, {first.Epochs} epochs, {first.Steps} steps, " +
                          $"{first.Threads} thread(s) per run; mean ± std over seeds (×100).\n");
        Console.WriteLine("| variant | seeds | " + string.Join(" | ", Subsets.Select(s => $"{s} oIoU")) + " | val mIoU | val P@0.5 | val P@0.7 | val P@0.9 | s/step | ms/row inference |");
        Console.WriteLine("|---|---|" + string.Concat(Enumerable.Repeat("---|", Subsets.Length + 6)));
        foreach (var (name, runs) in byVariant)
        {
            var cells = Subsets.Select(s => Format(runs.Select(r => r.Metrics[s]["oIoU"] * 100)))
                .Concat(new[] { "mIoU", "P@0.5", "P@0.7", "P@0.9" }.Select(k => Format(runs.Select(r => r.Metrics["val"][k] * 100))))
                .Append(Format(runs.Select(r => r.StepSeconds), "F3"))
                .Append(Format(runs.Select(r => r.InferenceSecondsPerRow * 1000), "F1"));
            Console.WriteLine($"| {name} | {runs.Count} | {string.Join(" | ", cells)} |");
        }
        Cost(byVariant, "+MG", "baseline");
        Cost(byVariant, "full", "+CAM");
        return 0;
    }

    private static void Cost(List<(string Name, List<AblationResult> Runs)> groups, string with, string without)
    {
        var a = groups.FirstOrDefault(g => g.Name == with).Runs;
        var b = groups.FirstOrDefault(g => g.Name == without).Runs;
        if (a is null || b is null || a.Count == 0 || b.Count == 0) return;
        double step = a.Average(r => r.StepSeconds) / b.Average(r => r.StepSeconds);
        double inference = a.Average(r => r.InferenceSecondsPerRow) / b.Average(r => r.InferenceSecondsPerRow);
        bool sameKeys = a.Select(r => r.WeightKeysHash).Concat(b.Select(r => r.WeightKeysHash)).Distinct().Count() == 1;
        bool sameBytes = a.Select(r => r.ModelFileBytes).Concat(b.Select(r => r.ModelFileBytes)).Distinct().Count() == 1;
        Console.WriteLine($"\n{with} vs {without}: step time ×{step.ToString("F3", CultureInfo.InvariantCulture)}, " +
                          $"inference time ×{inference.ToString("F3", CultureInfo.InvariantCulture)}, " +
                          $"saved weights: {(sameKeys ? "same names" : "DIFFERENT names")}, {(sameBytes ? "same size" : "different size")} " +
                          $"({a[0].ModelFileBytes:N0} vs {b[0].ModelFileBytes:N0} bytes)");
    }

    private static string Format(IEnumerable<double> values, string format = "F1")
    {
        var v = values.ToList();
        double mean = v.Average();
        double std = v.Count > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1)) : 0;
        return $"{mean.ToString(format, CultureInfo.InvariantCulture)} ± {std.ToString(format, CultureInfo.InvariantCulture)}";
    }
}
