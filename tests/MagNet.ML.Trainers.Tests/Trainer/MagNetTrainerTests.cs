using Microsoft.ML;
using TorchSharp;

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
}
