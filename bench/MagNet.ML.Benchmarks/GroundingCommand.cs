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
        var tallies = new SortedDictionary<string, Tally>(StringComparer.Ordinal);
        var all = new Tally();
        foreach (var record in records)
        {
            using var image = record.LoadImage();
            var predicted = model.Predict(image, record.Expression).Mask;
            var truth = record.LoadMask!();
            var scene = SceneGraph.FromJson(record.Extras[SyntheticReferringDataset.SceneKey]);
            int[] targets = JsonSerializer.Deserialize<int[]>(record.Extras[SyntheticReferringDataset.TargetIdsKey])!;
            int picked = SyntheticGrounding.PickedObject(scene, predicted);
            long intersection = 0, union = 0;
            for (int i = 0; i < truth.Data.Length; i++)
            {
                bool p = predicted.Data[i] != 0, g = truth.Data[i] != 0;
                if (p && g) intersection++;
                if (p || g) union++;
            }
            string family = record.Extras[SyntheticReferringDataset.TemplateKey];
            if (!tallies.TryGetValue(family, out var tally)) tallies[family] = tally = new Tally();
            foreach (var t in new[] { tally, all }) t.Add(picked < 0 ? Outcome.None : targets.Contains(picked) ? Outcome.Target : Outcome.Other, intersection, union);
        }
        var table = new MarkdownTable("template", "rows", "on the target %", "on another object %", "on none %", "P@0.5", "mean IoU on the target", "oIoU");
        foreach (var (family, tally) in tallies) tally.AddTo(table, family);
        all.AddTo(table, "all");
        output.WriteLine($"Model {modelPath}, synthetic split {split} (seed {seed}, {records.Count} rows).");
        output.WriteLine();
        output.Write(table);
    }

    private enum Outcome { Target, Other, None }

    private sealed class Tally
    {
        private int rows, target, other, none, hits;
        private double iouOnTarget;
        private long intersection, union;

        public void Add(Outcome outcome, long rowIntersection, long rowUnion)
        {
            double iou = rowUnion == 0 ? 1 : (double)rowIntersection / rowUnion;
            rows++;
            if (outcome == Outcome.Target) { target++; iouOnTarget += iou; }
            else if (outcome == Outcome.Other) other++;
            else none++;
            if (iou >= 0.5) hits++;
            intersection += rowIntersection;
            union += rowUnion;
        }

        public void AddTo(MarkdownTable table, string name) => table.Add(name, rows.ToString(CultureInfo.InvariantCulture),
            P(target), P(other), P(none), P(hits), target == 0 ? "–" : F(iouOnTarget / target, 3), union == 0 ? "–" : F(100.0 * intersection / union, 2));

        private string P(int count) => F(100.0 * count / rows, 1);

        private static string F(double value, int digits) => value.ToString("F" + digits, CultureInfo.InvariantCulture);
    }
}
