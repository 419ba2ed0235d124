using System.IO.Compression;
using MagNet.ML.Checkpoints;
using Microsoft.ML;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Trainer;

/// <summary>
/// Checkpoints and resume: an interrupted run (cancelled, or killed after an older checkpoint) resumed from its
/// checkpoint ends with exactly the weights of an uninterrupted run; the NaN/Inf guard keeps the last good checkpoint.
/// </summary>
[TestClass]
public sealed class CheckpointResumeTests
{
    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    /// <summary>12 rows, batch 4: 3 steps per epoch, 3 epochs = 9 steps; dropout on so the random state matters.</summary>
    private static MagNetTrainer.Options ResumableOptions(string? checkpoint)
    {
        var options = TrainingData.Options();
        options.MaxEpochs = 3;
        options.Seed = 9;
        options.Model.LanguageModel.Config.HiddenDropoutProb = 0.1;
        options.Model.ImageModel.Kwargs.DropPathRate = 0.2;
        options.CheckpointPath = checkpoint;
        options.CheckpointEveryNSteps = 4;
        return options;
    }

    private static Dictionary<string, Tensor> Weights(MagNetTransformer model) =>
        model.Model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());

    private static void AssertSameWeights(Dictionary<string, Tensor> expected, MagNetTransformer actual, string what)
    {
        var weights = actual.Model.state_dict();
        Assert.HasCount(expected.Count, weights);
        foreach (var (name, tensor) in expected)
            Assert.IsTrue(tensor.equal(weights[name]).all().item<bool>(), $"{what}: {name} differs");
    }

    [TestMethod]
    public void ResumingAnInterruptedRunReproducesTheUninterruptedRun()
    {
        var ml = new MLContext(seed: 1);
        using var folder = new TempFolder();
        var data = TrainingData.Synthetic(ml, 12, seed: 41);

        Dictionary<string, Tensor> expected;
        using (var uninterrupted = ml.Transforms.ReferringSegmentation(ResumableOptions(null)).Fit(data))
            expected = Weights(uninterrupted);

        // Interrupted run: at step 6 the checkpoint holds step 4 (a process killed now would restart there); at step 7
        // the run is cancelled and writes step 7.
        string checkpoint = folder.File("run.ckpt"), killed = folder.File("killed.ckpt");
        using var cancellation = new CancellationTokenSource();
        var interrupted = ResumableOptions(checkpoint);
        interrupted.CancellationToken = cancellation.Token;
        interrupted.Progress = new RecordingProgress(p =>
        {
            if (p.IsValidation) return;
            if (p.Step == 6) File.Copy(checkpoint, killed);
            if (p.Step == 7) cancellation.Cancel();
        });
        var cancelled = Assert.ThrowsExactly<OperationCanceledException>(() => ml.Transforms.ReferringSegmentation(interrupted).Fit(data));
        StringAssert.Contains(cancelled.Message, "step 7");
        Assert.AreEqual(7, TrainingCheckpoint.ReadState(checkpoint).Step);
        Assert.AreEqual(4, TrainingCheckpoint.ReadState(killed).Step);

        foreach (var (path, from) in new[] { (checkpoint, 7L), (killed, 4L) })
        {
            var progress = new RecordingProgress();
            var resumed = ResumableOptions(path);
            resumed.Progress = progress;
            using var model = ml.Transforms.ReferringSegmentation(resumed).Fit(data);
            Assert.AreEqual(from + 1, progress.Steps.First().Step, $"resumed from {path} at its step");
            Assert.AreEqual(9, progress.Steps.Last().Step);
            AssertSameWeights(expected, model, $"resumed from step {from}");
        }
    }

    [TestMethod]
    public void ResumingWithOtherOptionsIsRefusedNamingTheCheckpoint()
    {
        var ml = new MLContext(seed: 1);
        using var folder = new TempFolder();
        var data = TrainingData.Synthetic(ml, 4, seed: 42);
        var options = TrainingData.Options();
        options.MaxEpochs = 1;
        options.CheckpointPath = folder.File("run.ckpt");
        ml.Transforms.ReferringSegmentation(options).Fit(data).Dispose();
        Assert.AreEqual(1, TrainingCheckpoint.ReadState(options.CheckpointPath).Step);

        options.LearningRate = 2e-3;
        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.ReferringSegmentation(options).Fit(data));
        StringAssert.Contains(e.Message, options.CheckpointPath);
        options.ResumeFromCheckpoint = false;
        ml.Transforms.ReferringSegmentation(options).Fit(data).Dispose();
        Assert.IsEmpty(Directory.GetFiles(folder.Path, "*.tmp"), "no temporary file left beside the checkpoint");
    }

    [TestMethod]
    public void AWeightTurnedNaNStopsTrainingAndKeepsTheLastGoodCheckpoint()
    {
        var ml = new MLContext(seed: 1);
        using var folder = new TempFolder();
        var data = TrainingData.Synthetic(ml, 8, seed: 43);
        var options = TrainingData.Options();
        options.MaxEpochs = 3;
        options.CheckpointPath = folder.File("run.ckpt");
        options.CheckpointEveryNSteps = 1;
        options.AfterStep = (step, model) =>
        {
            if (step != 3) return;
            using var noGrad = no_grad();
            model.parameters().First().fill_(double.NaN);
        };
        var e = Assert.ThrowsExactly<MagNetTrainingDivergedException>(() => ml.Transforms.ReferringSegmentation(options).Fit(data));
        StringAssert.Contains(e.Message, "step 3");
        StringAssert.Contains(e.Message, "not finite");
        StringAssert.Contains(e.Message, options.CheckpointPath);
        Assert.AreEqual(2, e.CheckpointStep);
        Assert.AreEqual(2, TrainingCheckpoint.ReadState(options.CheckpointPath).Step);
        AssertCheckpointWeightsFinite(options.CheckpointPath);
    }

    [TestMethod]
    public void ANaNLossStopsTrainingBeforeItsStepWithTheMessage()
    {
        var ml = new MLContext(seed: 1);
        using var folder = new TempFolder();
        var data = TrainingData.Synthetic(ml, 8, seed: 44);
        var options = TrainingData.Options();
        options.MaxEpochs = 3;
        options.CheckpointPath = folder.File("run.ckpt");
        options.CheckpointEveryNSteps = 100;   // checkpoints only at epoch ends: step 2
        options.AfterStep = (step, model) =>
        {
            if (step != 3) return;
            using var noGrad = no_grad();
            foreach (var p in model.parameters()) p.fill_(double.PositiveInfinity);
        };
        var e = Assert.ThrowsExactly<MagNetTrainingDivergedException>(() => ml.Transforms.ReferringSegmentation(options).Fit(data));
        StringAssert.Contains(e.Message, "step 4");
        StringAssert.Contains(e.Message, "the loss is NaN");
        Assert.AreEqual(4, e.Step);
        Assert.AreEqual(2, e.CheckpointStep);
        Assert.AreEqual(2, TrainingCheckpoint.ReadState(options.CheckpointPath).Step);
        AssertCheckpointWeightsFinite(options.CheckpointPath);
    }

    private static void AssertCheckpointWeightsFinite(string path)
    {
        using var folder = new TempFolder();
        using (var zip = ZipFile.OpenRead(path)) zip.GetEntry("model.safetensors")!.ExtractToFile(folder.File("model.safetensors"));
        using var scope = NewDisposeScope();
        foreach (var (name, tensor) in Safetensors.LoadStateDict(folder.File("model.safetensors")))
            Assert.IsTrue(tensor.isfinite().all().item<bool>(), $"{name} is finite in the kept checkpoint");
    }
}
