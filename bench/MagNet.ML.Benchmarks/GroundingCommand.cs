using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MagNet.ML.Training;
using Microsoft.ML;
using TorchSharp;

namespace MagNet.ML.Benchmarks;

/// <summary>
/// <c>grounding</c>: for a trained model on the synthetic set, per template family, how often the predicted mask lands
/// on the referred object, on another object or on none (<see cref="SyntheticGrounding.PickedObject"/>), and the IoU of
/// the rows that found their object — grounding errors and mask errors apart. Prints a markdown table; writes nothing.
/// </summary>
internal static class GroundingCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "A saved model (model.zip).", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic set (the quick start's --seed).", DefaultValueFactory = _ => 1 };
        var split = new Option<string>("--split") { Description = "Synthetic split.", DefaultValueFactory = _ => SyntheticSplits.Val };
        var rows = new Option<int>("--rows") { Description = "Rows of the split (the quick start's --val-rows / --test-rows).", DefaultValueFactory = _ => 200 };
        var threads = new Option<int>("--threads") { Description = "TorchSharp threads.", DefaultValueFactory = _ => 2 };
        var command = new Command("grounding", "Per template: predicted masks on the referred object, on another object, on none.") { model, seed, split, rows, threads };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(rows), t = parse.GetValue(threads);
            CommonOptions.RequirePositive(n, "--rows");
            CommonOptions.RequirePositive(t, "--threads");
            string name = parse.GetValue(split)!;
            var file = parse.GetValue(model)!;
            if (!file.Exists) throw new ArgumentException($"--model: '{file.FullName}' does not exist.");
            torch.set_num_threads(t);
            Run(file.FullName, parse.GetValue(seed), name, n, parse.InvocationConfiguration.Output);
            return 0;
        });
        return command;
    }

    private static void Run(string modelPath, int seed, string split, int count, TextWriter output)
    {
        using var model = MagNetTransformer.Load(new MLContext(seed), modelPath);
        var records = new SyntheticReferringDataset(new SyntheticReferringDataset.Options { Seed = seed, Count = count, Split = split }).Generate();
        var scores = new ReferringSegmentationAccumulator(keepSamples: true);
        var tallies = new SortedDictionary<string, Tally>(StringComparer.Ordinal);
        var all = new Tally();
        foreach (var record in records)
        {
            using var image = record.LoadImage();
            var predicted = model.Predict(image, record.Expression).Mask;
            string family = record.Extras[SyntheticReferringDataset.TemplateKey];
            scores.Add(record.LoadMask!().Data, predicted.Data, family, record.Id);
            var scene = SceneGraph.FromJson(record.Extras[SyntheticReferringDataset.SceneKey]);
            int[] targets = JsonSerializer.Deserialize<int[]>(record.Extras[SyntheticReferringDataset.TargetIdsKey])!;
            int picked = SyntheticGrounding.PickedObject(scene, predicted);
            var outcome = picked < 0 ? Outcome.None : targets.Contains(picked) ? Outcome.Target : Outcome.Other;
            if (!tallies.TryGetValue(family, out var tally)) tallies[family] = tally = new Tally();
            double iou = scores.Samples![^1].IoU;
            tally.Add(outcome, iou);
            all.Add(outcome, iou);
        }
        var table = new MarkdownTable("template", "rows", "on the target %", "on another object %", "on none %", "P@0.5", "mean IoU on the target", "oIoU");
        var byFamily = scores.MetricsByGroup;
        foreach (var (family, tally) in tallies) tally.AddTo(table, family, byFamily[family]);
        all.AddTo(table, "all", scores.Metrics);
        output.WriteLine($"Model {modelPath}, synthetic split {split} (seed {seed}, {records.Count} rows).");
        output.WriteLine();
        output.Write(table);
    }

    private enum Outcome { Target, Other, None }

    /// <summary>Where one family's predictions landed, and the IoU summed over those on the target.</summary>
    private sealed class Tally
    {
        private int rows, target, other, none;
        private double iouOnTarget;

        public void Add(Outcome outcome, double iou)
        {
            rows++;
            if (outcome == Outcome.Target) { target++; iouOnTarget += iou; }
            else if (outcome == Outcome.Other) other++;
            else none++;
        }

        public void AddTo(MarkdownTable table, string name, ReferringSegmentationMetrics metrics) => table.Add(name,
            rows.ToString(CultureInfo.InvariantCulture), P(target), P(other), P(none), F(100 * metrics.PrecisionAt50, 1),
            target == 0 ? "–" : F(iouOnTarget / target, 3), double.IsNaN(metrics.OverallIoU) ? "–" : F(100 * metrics.OverallIoU, 2));

        private string P(int count) => F(100.0 * count / rows, 1);

        private static string F(double value, int digits) => value.ToString("F" + digits, CultureInfo.InvariantCulture);
    }
}
