using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MagNet.ML;
using MagNet.ML.Ablation;
using Microsoft.ML;

// The paper's ablation on the built-in synthetic set: baseline (no MG, no CAM, no CAL), +MG, +CAM, +CAL and full,
// several seeds each, the same data and budget. Usage:
//   run    [--variants all|baseline,+MG,...] [--seeds 1,2,3] [--train-count N] [--eval-count N] [--epochs E]
//          [--batch-size B] [--lr LR] [--text-lr-scale X] [--clip X] [--threads T] [--out results.jsonl]
//          (defaults follow the quick start's recipe: lr 5e-4, MiniLM frozen, gradient clip 1)
//          [--keep-models DIR]             (also keeps each trained model as DIR/VARIANT-seedN.zip)
//          [--encoder-ffn N]               (MagNet-Tiny's deformable-encoder FFN width; the preset's otherwise)
//   report [--in results.jsonl]            (markdown table: mean ± std over seeds)
//   inference --models a.zip,b.zip [--rows N] [--rounds R] [--threads T]
//                                          (saved models timed side by side, round-robin, on the same val rows)
if (args.Length == 0 || args[0] is not ("run" or "report" or "inference"))
{
    Console.Error.WriteLine("usage: run [options] | report [--in results.jsonl] | inference --models a.zip,b.zip [--rows N] [--rounds R] [--threads T]");
    return 2;
}
var options = ParseOptions(args.Skip(1).ToArray());
if (args[0] == "inference")
    return AblationInference.Run(options["models"].Split(','), int.Parse(options.GetValueOrDefault("rows", "100"), CultureInfo.InvariantCulture),
        int.Parse(options.GetValueOrDefault("rounds", "5"), CultureInfo.InvariantCulture),
        int.Parse(options.GetValueOrDefault("threads", "1"), CultureInfo.InvariantCulture), dataSeed: 7);
string resultsPath = options.GetValueOrDefault(args[0] == "run" ? "out" : "in", "bench/ablation-results.jsonl");
return args[0] == "run" ? Run(options, resultsPath) : AblationReport.Print(resultsPath);

static int Run(Dictionary<string, string> o, string resultsPath)
{
    var variants = o.GetValueOrDefault("variants", "all") == "all"
        ? AblationVariant.All
        : o["variants"].Split(',').Select(AblationVariant.Parse).ToList();
    var seeds = o.GetValueOrDefault("seeds", "1,2,3").Split(',').Select(int.Parse).ToList();
    int trainCount = int.Parse(o.GetValueOrDefault("train-count", "3000"), CultureInfo.InvariantCulture);
    int evalCount = int.Parse(o.GetValueOrDefault("eval-count", "300"), CultureInfo.InvariantCulture);
    int epochs = int.Parse(o.GetValueOrDefault("epochs", "4"), CultureInfo.InvariantCulture);
    int batch = int.Parse(o.GetValueOrDefault("batch-size", "8"), CultureInfo.InvariantCulture);
    double lr = double.Parse(o.GetValueOrDefault("lr", "5e-4"), CultureInfo.InvariantCulture);
    double textScale = double.Parse(o.GetValueOrDefault("text-lr-scale", "0"), CultureInfo.InvariantCulture);
    double clip = double.Parse(o.GetValueOrDefault("clip", "1"), CultureInfo.InvariantCulture);
    int threads = int.Parse(o.GetValueOrDefault("threads", "1"), CultureInfo.InvariantCulture);
    const int dataSeed = 7; // the data are the same for every run; the seed varies initialisation and order

    var ml = new MLContext(seed: 1);
    var train = ReferringDatasets.LoadSynthetic(ml, new() { Seed = dataSeed, Count = trainCount, Split = SyntheticSplits.Train });
    var evalSets = new[] { SyntheticSplits.Val, SyntheticSplits.TestCompositional, SyntheticSplits.TestRare }
        .ToDictionary(s => s, s => ReferringDatasets.LoadSynthetic(ml, new() { Seed = dataSeed, Count = evalCount, Split = s }));
    Console.WriteLine($"ablation: {variants.Count} variants × {seeds.Count} seeds, {trainCount} train rows, {epochs} epochs, " +
                      $"batch {batch}, lr {lr}, text-lr-scale {textScale}, clip {clip}, {threads} thread(s), MagNet-Tiny 128², {Environment.ProcessorCount} cores");

    foreach (var seed in seeds)
    foreach (var variant in variants)
    {
        var config = MagNetConfig.MagNetTiny();
        config.UseCam = variant.Cam;
        if (o.TryGetValue("encoder-ffn", out var ffn)) config.Classifier.Cfg.TransformerDimFeedforward = int.Parse(ffn, CultureInfo.InvariantCulture);
        var reports = new List<MagNetTrainingProgress>();
        var trainer = ml.Transforms.ReferringSegmentation(new MagNetTrainer.Options
        {
            Model = config,
            UseMaskGrounding = variant.MaskGrounding,
            UseCrossModalAlignmentLoss = variant.Alignment,
            MaxEpochs = epochs,
            BatchSize = batch,
            LearningRate = lr,
            TextEncoderLearningRateScale = textScale,
            GradientClipNorm = clip,
            Seed = seed,
            NumberOfThreads = threads,
            LogEveryNSteps = 10,
            Progress = new SynchronousProgress(reports.Add),
        });
        using var model = trainer.Fit(train);
        var steps = reports.Where(r => !r.IsValidation).ToList();
        double stepSeconds = steps.Count >= 2
            ? (steps[^1].Elapsed - steps[0].Elapsed).TotalSeconds / (steps[^1].Step - steps[0].Step)
            : double.NaN;

        var metrics = new Dictionary<string, Dictionary<string, double>>();
        double inferenceSeconds = 0;
        foreach (var (split, data) in evalSets)
        {
            var accumulator = new ReferringSegmentationAccumulator(keepSamples: true);
            var clock = Stopwatch.StartNew();
            new ReferringSegmentationEvaluator(groupColumnName: "Template").Accumulate(model.Transform(data), accumulator);
            if (split == SyntheticSplits.Val) inferenceSeconds = clock.Elapsed.TotalSeconds / accumulator.Count;
            metrics[split] = Summary(accumulator.Metrics);
            if (split != SyntheticSplits.Val) continue;
            var relational = new ReferringSegmentationAccumulator();
            foreach (var s in accumulator.Samples!.Where(s => s.Group is "one-hop" or "two-hop"))
                relational.AddCounts(s.Intersection, s.GroundTruthArea, s.PredictedArea);
            metrics["val-relational"] = Summary(relational.Metrics);
        }

        string file = Path.Combine(Path.GetTempPath(), $"ablation-{Guid.NewGuid():N}.zip");
        model.Save(file);
        long bytes = new FileInfo(file).Length;
        string keysHash = WeightKeysHash(file);
        if (o.TryGetValue("keep-models", out var keep))
        {
            Directory.CreateDirectory(keep);
            File.Move(file, Path.Combine(keep, $"{variant.Name}-seed{seed}.zip"), overwrite: true);
        }
        else File.Delete(file);

        var result = new AblationResult
        {
            Variant = variant.Name, Seed = seed, Threads = threads, TrainRows = trainCount, Epochs = epochs,
            Steps = steps.Count > 0 ? steps[^1].TotalSteps : 0, StepSeconds = stepSeconds,
            InferenceSecondsPerRow = inferenceSeconds, ModelFileBytes = bytes, WeightKeysHash = keysHash, Metrics = metrics,
        };
        File.AppendAllText(resultsPath, JsonSerializer.Serialize(result, AblationResult.Json) + "\n");
        Console.WriteLine($"{variant.Name,-9} seed {seed}: val oIoU {metrics["val"]["oIoU"]:P2}, relational {metrics["val-relational"]["oIoU"]:P2}, " +
                          $"compositional {metrics[SyntheticSplits.TestCompositional]["oIoU"]:P2}, rare {metrics[SyntheticSplits.TestRare]["oIoU"]:P2}; " +
                          $"{stepSeconds:F3} s/step, {inferenceSeconds * 1000:F1} ms/row inference, model {bytes:N0} bytes");
    }
    return 0;
}

static Dictionary<string, double> Summary(ReferringSegmentationMetrics m) => new()
{
    ["oIoU"] = m.OverallIoU, ["mIoU"] = m.MeanIoU, ["P@0.5"] = m.PrecisionAt50, ["P@0.7"] = m.PrecisionAt70,
    ["P@0.9"] = m.PrecisionAt90, ["count"] = m.Count,
};

static string WeightKeysHash(string modelFile)
{
    using var zip = ZipFile.OpenRead(modelFile);
    using var stream = zip.GetEntry("weights.safetensors")!.Open();
    var lengthBytes = new byte[8];
    stream.ReadExactly(lengthBytes);
    var header = new byte[BitConverter.ToUInt64(lengthBytes)];
    stream.ReadExactly(header);
    using var json = JsonDocument.Parse(header);
    var names = json.RootElement.EnumerateObject().Select(p => p.Name).Where(n => n != "__metadata__").Order(StringComparer.Ordinal);
    return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", names))))[..16];
}

static Dictionary<string, string> ParseOptions(string[] args)
{
    var options = new Dictionary<string, string>();
    for (int i = 0; i + 1 < args.Length; i += 2)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"Expected an option, got '{args[i]}'.");
        options[args[i][2..]] = args[i + 1];
    }
    return options;
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class SynchronousProgress(Action<MagNetTrainingProgress> report) : IProgress<MagNetTrainingProgress>
{
    public void Report(MagNetTrainingProgress value) => report(value);
}
