using Microsoft.ML;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Trainer;

/// <summary>Fit end to end on tiny data: the loss falls, progress and logs are reported, the schedule is LAVT's.</summary>
[TestClass]
public sealed class MagNetTrainerTests
{
    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    public void AFewStepsReduceTheLossOnATinySet()
    {
        var ml = new MLContext(seed: 1);
        var data = TrainingData.Synthetic(ml, 8);
        var progress = new RecordingProgress();
        var options = TrainingData.Options();
        options.MaxEpochs = 12;
        options.Progress = progress;
        using var model = ml.Transforms.ReferringSegmentation(options).Fit(data);

        var steps = progress.Steps.ToList();
        Assert.HasCount(24, steps, "8 rows / batch 4 = 2 steps per epoch, 12 epochs");
        double first = steps.Take(4).Average(s => s.Loss), last = steps.TakeLast(4).Average(s => s.Loss);
        Assert.IsLessThan(0.8 * first, last, $"the loss fell from {first:F3} to {last:F3}");
        Assert.IsTrue(steps.All(s => s.MaskGroundingLoss > 0 && s.AlignmentLoss > 0 && s.SegmentationLoss > 0));
        foreach (var s in steps)
            Assert.AreEqual(s.SegmentationLoss + s.MaskGroundingLoss + s.AlignmentLoss, s.Loss, 1e-4 * Math.Abs(s.Loss), "L = L_seg + 1.0·L_MG + L_CAL");
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void ValidationOIoUAgreesWithTheEvaluatorAndPicksTheReturnedEpoch(bool keepBest)
    {
        var ml = new MLContext(seed: 1);
        var validation = TrainingData.Synthetic(ml, 5, seed: 61, split: "val");
        var progress = new RecordingProgress();
        var options = TrainingData.Options();
        options.MaxEpochs = 3;
        options.ValidationSet = validation;
        options.KeepBestModel = keepBest;
        options.Progress = progress;
        using var model = ml.Transforms.ReferringSegmentation(options).Fit(TrainingData.Synthetic(ml, 8));

        var validations = progress.Reports.Where(r => r.IsValidation).ToList();
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, validations.Select(v => v.Epoch).ToArray());
        double best = validations.Max(v => v.ValidationOverallIoU!.Value);
        Assert.AreEqual(best, validations[^1].BestValidationOverallIoU!.Value);
        Assert.IsTrue(validations.All(v => v.ValidationOverallIoU is >= 0 and <= 1));

        // The returned model scored by the evaluator (another implementation, at the original 64² = network size).
        var metrics = ml.Transforms.EvaluateReferringSegmentation(model.Transform(validation));
        double expected = keepBest ? best : validations[^1].ValidationOverallIoU!.Value;
        Assert.AreEqual(expected, metrics.OverallIoU, 1e-12, keepBest ? "best epoch's weights" : "last epoch's weights");
    }

    [TestMethod]
    public void ProgressReachesTheMLNetLogAndFollowsThePolySchedule()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) =>
        {
            if (e.Source.StartsWith("MagNetTrainer", StringComparison.Ordinal)) lock (messages) messages.Add(e.Message);
        };
        var progress = new RecordingProgress();
        var options = TrainingData.Options();
        options.Progress = progress;
        options.LogEveryNSteps = 2;
        options.LrPolyPower = 0.9;
        using var model = ml.Transforms.ReferringSegmentation(options).Fit(TrainingData.Synthetic(ml, 8));

        var steps = progress.Steps.ToList();
        CollectionAssert.AreEqual(new long[] { 2, 4 }, steps.Select(s => s.Step).ToArray(), "every 2 steps of 4");
        foreach (var s in steps)
        {
            Assert.AreEqual(4, s.TotalSteps);
            // The rate of the step just run (0-based s.Step − 1): 1e-3·(1 − it/4)^0.9.
            Assert.AreEqual(1e-3 * Math.Pow(1 - (s.Step - 1) / 4.0, 0.9), s.LearningRate, 1e-15);
            Assert.IsGreaterThan(TimeSpan.Zero, s.Elapsed);
        }
        Assert.AreEqual(1, steps[0].Epoch);
        Assert.AreEqual(2, steps[1].Epoch);
        lock (messages)
        {
            Assert.IsTrue(messages.Any(m => m.Contains("step 2/4: loss", StringComparison.Ordinal)), string.Join("\n", messages));
            Assert.IsTrue(messages.Any(m => m.Contains("8 training rows", StringComparison.Ordinal)));
            Assert.IsTrue(messages.Any(m => m.Contains("Mask Grounding on (TextEncoderOnly)", StringComparison.Ordinal)));
        }
    }

    [TestMethod]
    public void LiveTensorCountStaysFlatOver50TrainSteps()
    {
        var ml = new MLContext(seed: 1);
        var counts = new List<long>();
        var options = TrainingData.Options();
        options.MaxEpochs = 25;   // 2 steps per epoch
        options.Progress = new RecordingProgress(p => counts.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount));
        using var model = ml.Transforms.ReferringSegmentation(options).Fit(TrainingData.Synthetic(ml, 8));
        Assert.HasCount(50, counts);
        // From the second step on (the first creates the optimizer's lazily made state), every step leaves the same number alive.
        Assert.AreEqual(1, counts.Skip(1).Distinct().Count(), "live tensors per step: " + string.Join(", ", counts.Distinct()));
    }

    [TestMethod]
    public void AMiniLmShapedTextEncoderStartsFromMiniLm()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Source.StartsWith("MagNetTrainer", StringComparison.Ordinal)) lock (messages) messages.Add(e.Message); };
        var options = TrainingData.Options(maskGrounding: false, alignment: false);
        options.Model.LanguageModel.Config = ML.Modeling.MiniLmWeights.Config();
        options.Model.LanguageModel.PwamIdx = [2, 4, 5, 6];
        options.MaxEpochs = 1;
        options.LearningRate = 0;   // weights stay as initialised
        using var model = ml.Transforms.ReferringSegmentation(options).Fit(TrainingData.Synthetic(ml, 4));

        var miniLm = ML.Modeling.MiniLmWeights.ReadStateDict();
        var weights = model.Model.state_dict();
        foreach (string name in new[] { "embeddings.word_embeddings.weight", "encoder.layer.0.attention.self.query.weight", "encoder.layer.5.output.dense.bias" })
            Assert.IsTrue(miniLm[name].equal(weights["language_model." + name]).all().item<bool>(), name);
        lock (messages) Assert.IsTrue(messages.Any(m => m.Contains("MiniLM-L6", StringComparison.Ordinal)));
        foreach (var tensor in miniLm.Values) tensor.Dispose();
    }

    [TestMethod]
    public void InitialWeightsLoadWithTheirReportLoggedStrictOrNot()
    {
        var ml = new MLContext(seed: 1);
        using var folder = new TempFolder();
        var source = TrainedModel.Shared.Model.state_dict();
        var partial = source.Where(p => !p.Key.StartsWith("lang_proj.", StringComparison.Ordinal)).ToDictionary(p => p.Key, p => p.Value);
        TorchSharp.PyBridge.Safetensors.SaveStateDict(folder.File("partial.safetensors"), partial);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Source.StartsWith("MagNetTrainer", StringComparison.Ordinal)) lock (messages) messages.Add(e.Message); };
        var data = TrainingData.Synthetic(ml, 4);

        var options = TrainingData.Options();
        options.MaxEpochs = 1;
        options.LearningRate = 0;
        options.InitialWeightsPath = folder.File("partial.safetensors");
        var strict = Assert.ThrowsExactly<InvalidDataException>(() => ml.Transforms.ReferringSegmentation(options).Fit(data));
        StringAssert.Contains(strict.Message, "lang_proj.weight");

        options.StrictInitialWeights = false;
        using var model = ml.Transforms.ReferringSegmentation(options).Fit(data);
        var weights = model.Model.state_dict();
        foreach (var (name, tensor) in partial) Assert.IsTrue(tensor.equal(weights[name]).all().item<bool>(), name);
        lock (messages) Assert.IsTrue(messages.Any(m => m.Contains("missing 2", StringComparison.Ordinal) && m.Contains("lang_proj.bias", StringComparison.Ordinal)),
            string.Join("\n", messages));
    }
}
