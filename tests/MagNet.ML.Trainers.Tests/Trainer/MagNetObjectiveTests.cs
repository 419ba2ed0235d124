using Microsoft.ML;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Trainer;

/// <summary>The training objective: the sentence feature, how the parts add up, the switches and the text pass.</summary>
[TestClass]
public sealed class MagNetObjectiveTests
{
    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    public void TheSentenceFeatureIsTheMeanOverAttendedTokens()
    {
        using var scope = NewDisposeScope();
        var features = tensor(new float[] { 1, 2, 3, 4, 100, 100, /**/ 5, 6, 7, 8, 9, 10 }, new long[] { 2, 3, 2 });
        var attention = tensor(new long[] { 1, 1, 0, /**/ 0, 0, 0 }, new long[] { 2, 3 });
        var sentence = MagNetObjective.SentenceFeature(features, attention).data<float>().ToArray();
        // Row 0: mean of (1,2) and (3,4) = (2,3); the padded (100,100) is left out. Row 1: no token, so 0.
        CollectionAssert.AreEqual(new float[] { 2, 3, 0, 0 }, sentence);
    }

    [TestMethod]
    public void TheTotalIsSegmentationPlusWeightedMaskGroundingPlusAlignment()
    {
        var ml = new MLContext(seed: 1);
        var progress = new RecordingProgress();
        var options = TrainingData.Options();
        options.MaskGroundingLossWeight = 0.5;
        options.Progress = progress;
        using var model = ml.Transforms.ReferringSegmentation(options).Fit(TrainingData.Synthetic(ml, 8));
        foreach (var s in progress.Steps)
        {
            Assert.IsGreaterThan(0, s.MaskGroundingLoss);
            Assert.AreEqual(s.SegmentationLoss + 0.5 * s.MaskGroundingLoss + s.AlignmentLoss, s.Loss, 1e-4 * s.Loss);
        }
    }

    [TestMethod]
    public void WithMaskGroundingAndAlignmentOffTheLossIsTheSegmentationLoss()
    {
        var ml = new MLContext(seed: 1);
        var progress = new RecordingProgress();
        var options = TrainingData.Options(maskGrounding: false, alignment: false);
        options.Progress = progress;
        using var model = ml.Transforms.ReferringSegmentation(options).Fit(TrainingData.Synthetic(ml, 8));
        Assert.HasCount(4, progress.Steps.ToList());
        foreach (var s in progress.Steps)
        {
            Assert.AreEqual(0, s.MaskGroundingLoss);
            Assert.AreEqual(0, s.AlignmentLoss);
            Assert.AreEqual(s.SegmentationLoss, s.Loss, 1e-6 * s.Loss);
        }
    }

    [TestMethod]
    public void TheSharedTextPassTrainsAndDiffersFromTheTextEncoderPass()
    {
        var ml = new MLContext(seed: 1);
        var progress = new RecordingProgress();
        using var shared = TrainedModel.Train(ml, o =>
        {
            o.MaxEpochs = 1;
            o.MaskGroundingTextPass = MaskGroundingTextPass.Shared;
            o.Progress = progress;
        });
        using var textOnly = TrainedModel.Train(ml, o => o.MaxEpochs = 1);
        Assert.IsTrue(progress.Steps.All(s => double.IsFinite(s.MaskGroundingLoss) && s.MaskGroundingLoss > 0));
        var a = shared.Model.state_dict();
        var b = textOnly.Model.state_dict();
        Assert.IsTrue(a.Any(p => !p.Value.equal(b[p.Key]).all().item<bool>()), "the text pass changes what is learned");
    }
}
