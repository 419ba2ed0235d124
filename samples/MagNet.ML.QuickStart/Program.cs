// The quick start: generate the synthetic relational set, train MagNet-Tiny with the ImageNet ResNet-18 image side
// (MiniLM text encoder) on 2 CPU cores, evaluate on val and the held-out splits, write overlays, a loss/oIoU curve
// and the model to ./quickstart-output/.
using System.Diagnostics;
using System.Globalization;
using MagNet.ML;
using MagNet.ML.Modeling;
using MagNet.ML.QuickStart;
using MagNet.ML.Training;
using MagNet.ML.Visualization;
using Microsoft.ML;

QuickStartSettings settings;
try
{
    if (args.Contains("--help") || args.Contains("-h")) { Console.WriteLine(QuickStartSettings.Usage); return 0; }
    settings = QuickStartSettings.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"quickstart: error: {e.Message}");
    return 2;
}

var clock = Stopwatch.StartNew();
OpenMpWaitPolicy.PreferPassive();
NativeAllocator.KeepFreedMemoryForReuse(); // keeps libtorch's freed buffers for the next step (fewer page faults)
var c = CultureInfo.InvariantCulture;
string output = Path.GetFullPath(settings.OutputDirectory);
Directory.CreateDirectory(output);
Console.WriteLine($"MagNet.ML quick start → {output}");
Console.WriteLine($"Settings: {settings}");

// 1. Data: the built-in synthetic set (in memory; --write-data also writes it under OUT/data).
var ml = new MLContext(seed: settings.Seed);
var splits = new (string Name, int Rows)[]
{
    (SyntheticSplits.Train, settings.TrainRows),
    (SyntheticSplits.Val, settings.ValidationRows),
    (SyntheticSplits.TestCompositional, settings.TestRows),
    (SyntheticSplits.TestRare, settings.TestRows),
};
var records = new Dictionary<string, IReadOnlyList<ReferringRecord>>();
foreach (var (name, rows) in splits)
{
    var dataset = new SyntheticReferringDataset(new SyntheticReferringDataset.Options
    {
        Seed = settings.Seed, Size = 128, Count = rows, Split = name, ExpressionsPerScene = settings.ExpressionsPerScene,
    });
    records[name] = settings.WriteDataFiles ? dataset.WriteTo(Path.Combine(output, "data", name)) : dataset.Generate();
}
IDataView View(string split) => ReferringDatasets.FromRecords(ml, records[split], SyntheticReferringDataset.SimpleExtraKeys);
Console.WriteLine(string.Join(", ", splits.Select(s => $"{s.Name} {records[s.Name].Count}")) + " rows generated.");

// 2. Train MagNet-Tiny: text encoder from MiniLM-L6; image side the ImageNet ResNet-18 of ML.NET's DnnImageFeaturizer
//    package (copied into this program's output by its package reference) or, with --image-encoder swin, a random Swin.
var progress = new ConsoleTrainingProgress();
var modelConfig = settings.ImageEncoder == QuickStartSettings.ResNet18 ? MagNetConfig.MagNetTinyResNet18() : MagNetConfig.MagNetTiny();
var options = new MagNetTrainer.Options
{
    Model = modelConfig,
    MaxEpochs = settings.Epochs,
    BatchSize = settings.BatchSize,
    LearningRate = settings.Rate,
    TextEncoderLearningRateScale = settings.TextEncoderLearningRateScale,
    ImageEncoderLearningRateScale = settings.ImageScale,
    WeightDecay = settings.WeightDecay,
    GradientClipNorm = settings.GradientClipNorm,
    NumberOfThreads = settings.Threads,
    Seed = settings.Seed,
    UseMaskGrounding = settings.MaskGrounding,
    UseCrossModalAlignmentLoss = settings.AlignmentLoss,
    SegmentationLoss = new SegmentationLossOptions { Sampling = settings.MaskLossSampling },
    ValidationSet = View(SyntheticSplits.Val),
    InferenceBatchSize = 16,
    LogEveryNSteps = 5,
    Progress = progress,
};
Console.WriteLine($"Training {modelConfig.Name} …");
using var model = ml.Transforms.ReferringSegmentation(options).Fit(View(SyntheticSplits.Train));
double trainedAt = clock.Elapsed.TotalMinutes;

// 3. Evaluate on val (also per template family) and the held-out splits.
var results = new List<(string, ReferringSegmentationMetrics)>();
ReferringSegmentationMetrics? validation = null;
foreach (var split in new[] { SyntheticSplits.Val, SyntheticSplits.TestCompositional, SyntheticSplits.TestRare })
{
    var scored = model.Transform(View(split));
    var evaluator = new ReferringSegmentationEvaluator(ReferringColumnNames.Mask, ReferringColumnNames.PredictedMask,
        groupColumnName: ReferringDatasets.ExtraColumnName(SyntheticReferringDataset.TemplateKey));
    var metrics = evaluator.Evaluate(scored);
    results.Add((split, metrics));
    if (split == SyntheticSplits.Val) validation = metrics;
}
Console.WriteLine();
Console.Write(MetricTable.Format("split", results));
Console.WriteLine();
Console.Write(MetricTable.Format("val by template", validation!.Groups.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Value))));

// 4. Overlays: the predicted mask tinted and outlined, with the expression and the row's IoU.
string overlays = Path.Combine(output, "overlays");
Directory.CreateDirectory(overlays);
int written = 0;
foreach (var split in new[] { SyntheticSplits.Val, SyntheticSplits.TestCompositional, SyntheticSplits.TestRare })
    foreach (var record in records[split].Take(settings.OverlaysPerSplit))
    {
        using var image = record.LoadImage();
        var prediction = model.Predict(image, record.Expression);
        var truth = record.LoadMask!();
        long intersection = 0, union = 0;
        for (int i = 0; i < truth.Data.Length; i++)
        {
            bool p = prediction.Mask.Data[i] != 0, t = truth.Data[i] != 0;
            if (p && t) intersection++;
            if (p || t) union++;
        }
        string caption = string.Format(c, "{0} (IoU {1:F2})", record.Expression, union == 0 ? 1.0 : (double)intersection / union);
        MaskOverlay.SavePng(Path.Combine(overlays, $"{record.Id}.png"), image, prediction.Mask, caption);
        written++;
    }

// 5. The loss / validation oIoU curve, and the model.
string curveData = Path.Combine(output, "training-curve.csv");
TrainingCurve.WriteCsv(curveData, progress.Losses, progress.Validations);
string curve = Path.Combine(output, "training-curve.png");
if (CurvePlotTool.Draw(curveData, curve, $"{modelConfig.Name} on the synthetic set") is string failure)
{
    Console.Error.WriteLine($"quickstart: warning: no curve PNG: {failure}; the points are in {curveData}.");
    curve = curveData;
}
string modelPath = Path.Combine(output, "model.zip");
model.Save(modelPath);

Console.WriteLine();
Console.WriteLine($"Wrote {written} overlays to {overlays}, the curve to {curve} and the model to {modelPath}.");
Console.WriteLine(string.Format(c, "Training took {0:F1} min; the whole run {1:F1} min. Val oIoU {2:F2} (target ≥ 70).",
    trainedAt, clock.Elapsed.TotalMinutes, 100 * validation.OverallIoU));
return 0;
