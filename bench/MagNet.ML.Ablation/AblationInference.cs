using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;

namespace MagNet.ML.Ablation;

/// <summary>
/// Inference cost of saved models side by side: each model is loaded, warmed up, then every round runs all models
/// once, in turn, over the same validation rows (reading <c>PredictedMask</c>), so machine noise falls on all alike.
/// Used to show that a model trained with Mask Grounding infers exactly as fast as one trained without it.
/// </summary>
internal static class AblationInference
{
    public static int Run(IReadOnlyList<string> modelPaths, int rows, int rounds, int threads, int dataSeed)
    {
        torch.set_num_threads(threads);
        var ml = new MLContext(seed: 1);
        var data = ReferringDatasets.FromRecords(ml, new SyntheticReferringDataset(new() { Seed = dataSeed, Count = rows, Split = SyntheticSplits.Val }).Generate());
        var models = modelPaths.Select(p => MagNetTransformer.Load(ml, p)).ToList();
        try
        {
            var times = models.Select(_ => new List<double>()).ToList();
            long checksum = 0;
            foreach (var model in models) checksum += Consume(model.Transform(data), model.PredictedMaskColumnName);   // warm-up
            for (int round = 0; round < rounds; round++)
                for (int m = 0; m < models.Count; m++)
                {
                    var clock = Stopwatch.StartNew();
                    checksum += Consume(models[m].Transform(data), models[m].PredictedMaskColumnName);
                    times[m].Add(clock.Elapsed.TotalSeconds / rows);
                }
            var c = CultureInfo.InvariantCulture;
            Console.WriteLine($"inference: {models.Count} models × {rounds} rounds over {rows} val rows, {threads} thread(s), round-robin (mask pixels read: {checksum})\n");
            Console.WriteLine("| model | median ms/row | min ms/row | ratio to the first (median) |");
            Console.WriteLine("|---|---|---|---|");
            double first = Median(times[0]);
            for (int m = 0; m < models.Count; m++)
                Console.WriteLine(string.Format(c, "| {0} | {1:F1} | {2:F1} | ×{3:F3} |", Path.GetFileName(modelPaths[m]),
                    1000 * Median(times[m]), 1000 * times[m].Min(), Median(times[m]) / first));
            return 0;
        }
        finally
        {
            foreach (var model in models) model.Dispose();
        }
    }

    private static long Consume(IDataView scored, string maskColumn)
    {
        long set = 0;
        using var cursor = scored.GetRowCursor(scored.Schema.Where(col => col.Name == maskColumn));
        var getter = cursor.GetGetter<VBuffer<byte>>(scored.Schema[maskColumn]);
        VBuffer<byte> mask = default;
        while (cursor.MoveNext())
        {
            getter(ref mask);
            foreach (byte b in mask.GetValues()) set += b;
        }
        return set;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
