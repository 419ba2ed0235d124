using MagNet.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Training;

/// <summary>Each objective frees its intermediates: only the tensors it returns stay alive in the caller's scope.</summary>
[TestClass]
public sealed class TrainingObjectivesMemoryTests
{
    [TestMethod]
    public void RepeatedStepsInADisposeScopeLeaveNoLiveTensors()
    {
        torch.set_num_threads(1);
        using var outer = NewDisposeScope();
        var ids = tensor(new long[] { 101, 2000, 2001, 2002, 102, 0 }, new long[] { 1, 6 });
        var attention = tensor(new long[] { 1, 1, 1, 1, 1, 0 }, new long[] { 1, 6 });
        var generator = new Generator(1);
        var features = randn(1, 8, 6, 6);
        var mask = zeros(1, 24, 24);
        mask[0, TensorIndex.Slice(0, 12)] = ones(12, 24);
        var sentence = randn(1, 8);
        var outputs = new[] { new MaskDecoderOutput(randn(1, 1, 2), randn(1, 1, 6, 6)), new MaskDecoderOutput(randn(1, 1, 2), randn(1, 1, 6, 6)) };
        using var head = new MaskGroundingHead(new MaskGroundingOptions
        {
            TextDimension = 4, VisualDimension = 8, HiddenSize = 8, NumLayers = 1, NumHeads = 2, IntermediateSize = 8,
            VocabularySize = 30522, MaxTextTokens = 6, GridSize = 2, MaskEncoderChannels = 4,
        });
        var text = randn(1, 6, 4);
        var masking = new TokenMasking();
        var alignment = new CrossModalAlignmentLoss(new CrossModalAlignmentLossOptions { MaxPixelsPerSet = 5 });
        var fullMap = new SegmentationLoss();
        var points = new SegmentationLoss(new SegmentationLossOptions { Sampling = MaskPointSampling.UncertaintyPoints, NumPoints = 16 });
        var lavt = new SegmentationLoss(new SegmentationLossOptions { Kind = SegmentationLossKind.LavtWeightedBce });
        var noContrast = zeros(1, 24, 24);

        long baseline = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int step = 0; step < 3; step++)
        {
            using var stepScope = NewDisposeScope();
            var masked = AssertCreates(3, () => masking.Apply(ids, attention, generator));      // ids, targets, selection
            var mg = AssertCreates(1, () => head.Loss(text, attention, features, mask, masked.Targets));
            var cal = AssertCreates(4, () => alignment.Compute(features, mask, sentence, generator)); // total + 3 terms
            var seg = AssertCreates(4, () => fullMap.Compute(outputs, mask));                  // total + 3 parts
            var segPoints = AssertCreates(4, () => points.Compute(outputs, mask, generator));
            var segLavt = AssertCreates(4, () => lavt.Compute(outputs, mask));
            var calEmpty = AssertCreates(4, () => alignment.Compute(features, noContrast, sentence, generator));
            var segEmpty = AssertCreates(4, () => fullMap.Compute(outputs, noContrast));
            Assert.IsTrue(float.IsFinite((mg + cal.Total + seg.Total + segPoints.Total + segLavt.Total + calEmpty.Total + segEmpty.Total).item<float>()));
        }
        Assert.AreEqual(baseline, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    private static T AssertCreates<T>(long expected, Func<T> compute)
    {
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var result = compute();
        Assert.AreEqual(expected, DisposeScopeManager.Statistics.ThreadTotalLiveCount - before, typeof(T).Name);
        return result;
    }
}
