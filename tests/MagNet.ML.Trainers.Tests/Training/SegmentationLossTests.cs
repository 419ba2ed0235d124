using MagNet.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Training;

[TestClass]
public sealed class SegmentationLossTests
{
    private static readonly float Ln3 = MathF.Log(3);

    [TestInitialize]
    public void SingleThread() => torch.set_num_threads(1);

    // Hand example A. Mask logits [[0, ln3], [−ln3, 0]] → σ = [[0.5, 0.75], [0.25, 0.5]]; ground truth top row.
    //   BCE per pixel: (y=1, σ=.5) ln2; (y=1, σ=.75) ln(4/3); (y=0, σ=.25) ln(4/3); (y=0, σ=.5) ln2 → mean ln(8/3)/2.
    //   Dice: Σσy = 1.25, Σσ = 2, Σy = 2 → 1 − (2·1.25 + 1)/(2 + 2 + 1) = 1 − 3.5/5 = 0.3.
    //   Class logits (ln3, 0) → p(object) = 3/4 → CE = ln(4/3).
    private static readonly double BceA = Math.Log(8.0 / 3) / 2, DiceA = 0.3, ClassA = Math.Log(4.0 / 3);

    // Hand example B (same ground truth). Mask logits all 0 → σ = 0.5: BCE = ln2; Dice = 1 − (2·1 + 1)/(2 + 2 + 1) = 0.4.
    //   Class logits (0, 0) → CE = ln2.
    private static readonly double BceB = Math.Log(2), DiceB = 0.4, ClassB = Math.Log(2);

    private static Tensor MaskLogitsA() => tensor(new[] { 0, Ln3, -Ln3, 0 }, new long[] { 1, 1, 2, 2 });

    /// <summary>4×4 ground truth whose top half is foreground (nearest-resized to 2×2: top row).</summary>
    private static Tensor TopHalf() => tensor(new float[] { 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0 }, new long[] { 1, 4, 4 });

    [TestMethod]
    public void TwoByTwoMaskMatchesHandArithmetic()
    {
        using var scope = NewDisposeScope();
        var output = new MaskDecoderOutput(tensor(new[] { Ln3, 0f }, new long[] { 1, 1, 2 }), MaskLogitsA());
        var result = new SegmentationLoss().Compute(new[] { output }, TopHalf());

        Assert.AreEqual(ClassA, result.Classification.item<float>(), 1e-5);
        Assert.AreEqual(BceA, result.MaskCrossEntropy.item<float>(), 1e-5);
        Assert.AreEqual(DiceA, result.Dice.item<float>(), 1e-5);
        Assert.AreEqual(2 * ClassA + 5 * BceA + 5 * DiceA, result.Total.item<float>(), 1e-5);
    }

    [TestMethod]
    public void DeepSupervisionSumsEveryDecoderOutput()
    {
        using var scope = NewDisposeScope();
        var outputs = new[]
        {
            new MaskDecoderOutput(tensor(new[] { Ln3, 0f }, new long[] { 1, 1, 2 }), MaskLogitsA()),
            new MaskDecoderOutput(zeros(1, 1, 2), zeros(1, 1, 2, 2)),
        };
        var result = new SegmentationLoss().Compute(outputs, TopHalf());

        Assert.AreEqual(ClassA + ClassB, result.Classification.item<float>(), 1e-5);
        Assert.AreEqual(BceA + BceB, result.MaskCrossEntropy.item<float>(), 1e-5);
        Assert.AreEqual(DiceA + DiceB, result.Dice.item<float>(), 1e-5);
        Assert.AreEqual(2 * (ClassA + ClassB) + 5 * (BceA + BceB) + 5 * (DiceA + DiceB), result.Total.item<float>(), 1e-5);
    }

    [TestMethod]
    public void NoTargetSampleIsScoredAsNoObjectAndSkipsMaskTerms()
    {
        using var scope = NewDisposeScope();
        // Sample 0 is example A. Sample 1 has an empty ground truth: its class target is "no object" (index 1,
        // weight 0.1) with logits (0, 0) → nll ln2; its mask logits are extreme so any use of them would show.
        // Weighted CE mean: (1·ln(4/3) + 0.1·ln2) / (1 + 0.1). Mask terms: sample 0 only, divided by 1 mask.
        var classLogits = tensor(new[] { Ln3, 0f, 0f, 0f }, new long[] { 2, 1, 2 });
        var maskLogits = cat(new[] { MaskLogitsA(), full(1, 1, 2, 2, 40f) }, 0);
        var gt = cat(new[] { TopHalf(), zeros(1, 4, 4) }, 0);

        var result = new SegmentationLoss().Compute(new[] { new MaskDecoderOutput(classLogits, maskLogits) }, gt);

        Assert.AreEqual((ClassA + 0.1 * Math.Log(2)) / 1.1, result.Classification.item<float>(), 1e-5);
        Assert.AreEqual(BceA, result.MaskCrossEntropy.item<float>(), 1e-5);
        Assert.AreEqual(DiceA, result.Dice.item<float>(), 1e-5);
    }

    [TestMethod]
    public void AllEmptyBatchHasOnlyTheClassTermAndBackwardWorks()
    {
        using var scope = NewDisposeScope();
        var classLogits = zeros(2, 1, 2).requires_grad_();
        var maskLogits = randn(2, 1, 3, 3).requires_grad_();
        var result = new SegmentationLoss().Compute(new[] { new MaskDecoderOutput(classLogits, maskLogits) }, zeros(2, 6, 6));
        result.Total.backward();

        // Both targets are "no object" with logits (0,0): weighted mean (0.1·ln2 + 0.1·ln2)/0.2 = ln2.
        Assert.AreEqual(Math.Log(2), result.Classification.item<float>(), 1e-5);
        Assert.AreEqual(0f, result.MaskCrossEntropy.item<float>());
        Assert.AreEqual(0f, result.Dice.item<float>());
        Assert.IsTrue(maskLogits.grad!.eq(0).all().item<bool>());
        Assert.IsTrue(classLogits.grad!.abs().sum().item<float>() > 0);
    }

    [TestMethod]
    public void LavtWeightedBceMatchesHandArithmetic()
    {
        using var scope = NewDisposeScope();
        // Ground truth [[1,0],[0,0]], logits [[0, ln3], [−ln3, 0]] (same size, so the align-corners upsample is the identity).
        // BCE: (y=1, x=0) ln2 ×1.1; (y=0, x=ln3) −ln(1/4) = ln4 ×0.9; (y=0, x=−ln3) ln(4/3) ×0.9; (y=0, x=0) ln2 ×0.9.
        // Weighted mean = [1.1·ln2 + 0.9·(ln4 + ln(4/3) + ln2)] / (1.1 + 3·0.9).
        double expected = (1.1 * Math.Log(2) + 0.9 * (Math.Log(4) + Math.Log(4.0 / 3) + Math.Log(2))) / 3.8;
        var gt = tensor(new float[] { 1, 0, 0, 0 }, new long[] { 1, 2, 2 });
        var outputs = new[]
        {
            new MaskDecoderOutput(zeros(1, 1, 2), full(1, 1, 2, 2, 30f)),       // earlier outputs are not used
            new MaskDecoderOutput(zeros(1, 1, 2), MaskLogitsA()),
        };
        var result = new SegmentationLoss(new SegmentationLossOptions { Kind = SegmentationLossKind.LavtWeightedBce }).Compute(outputs, gt);

        Assert.AreEqual(expected, result.Total.item<float>(), 1e-5);
        Assert.AreEqual(expected, result.MaskCrossEntropy.item<float>(), 1e-5);
        Assert.AreEqual(0f, result.Classification.item<float>());
    }

    [TestMethod]
    public void GroundTruthResolutionScoresTheLogitsUpsampledAsAtInference()
    {
        using var scope = NewDisposeScope();
        // Logits [[−2, 2]] (1×2) upsampled to the 1×3 ground truth (0, 1, 1) with align_corners = true: (−2, 0, 2).
        //   BCE: ln(1+e^−2) for (y=0, x=−2) and (y=1, x=2), ln2 for (y=1, x=0) → mean (2·ln(1+e^−2) + ln2)/3.
        //   Dice: σ = (σ(−2), ½, σ(2)) with σ(−2) + σ(2) = 1: Σσy = ½ + σ(2), Σσ = 3/2, Σy = 2
        //   → 1 − (2·(½ + σ(2)) + 1)/(3/2 + 2 + 1). Class logits (0, 0) → CE ln2.
        double softplusMinus2 = Math.Log(1 + Math.Exp(-2)), sigmoid2 = 1 / (1 + Math.Exp(-2));
        double bce = (2 * softplusMinus2 + Math.Log(2)) / 3, dice = 1 - (2 * (0.5 + sigmoid2) + 1) / 4.5;
        var output = new MaskDecoderOutput(zeros(1, 1, 2), tensor(new float[] { -2, 2 }, new long[] { 1, 1, 1, 2 }));
        var result = new SegmentationLoss(new SegmentationLossOptions { Sampling = MaskPointSampling.GroundTruthResolution })
            .Compute(new[] { output }, tensor(new float[] { 0, 1, 1 }, new long[] { 1, 1, 3 }));

        Assert.AreEqual(bce, result.MaskCrossEntropy.item<float>(), 1e-5);
        Assert.AreEqual(dice, result.Dice.item<float>(), 1e-5);
        Assert.AreEqual(2 * Math.Log(2) + 5 * bce + 5 * dice, result.Total.item<float>(), 1e-5);
    }

    [TestMethod]
    public void LavtWeightedBceUpsamplesWithAlignedCorners()
    {
        using var scope = NewDisposeScope();
        // Logits [[−2, 2]] (1×2) upsampled to 1×3 with align_corners = true give (−2, 0, 2). Ground truth (0, 1, 1):
        // BCE = ln(1+e^−2) ×0.9, ln2 ×1.1, ln(1+e^−2) ×1.1; weights sum 3.1.
        double softplusMinus2 = Math.Log(1 + Math.Exp(-2));
        double expected = (0.9 * softplusMinus2 + 1.1 * Math.Log(2) + 1.1 * softplusMinus2) / 3.1;
        var output = new MaskDecoderOutput(zeros(1, 1, 2), tensor(new float[] { -2, 2 }, new long[] { 1, 1, 1, 2 }));
        var result = new SegmentationLoss(new SegmentationLossOptions { Kind = SegmentationLossKind.LavtWeightedBce })
            .Compute(new[] { output }, tensor(new float[] { 0, 1, 1 }, new long[] { 1, 1, 3 }));
        Assert.AreEqual(expected, result.Total.item<float>(), 1e-5);
    }

    [TestMethod]
    [DataRow(SegmentationLossKind.Mask2Former, MaskPointSampling.FullMap)]
    [DataRow(SegmentationLossKind.Mask2Former, MaskPointSampling.UncertaintyPoints)]
    [DataRow(SegmentationLossKind.Mask2Former, MaskPointSampling.GroundTruthResolution)]
    [DataRow(SegmentationLossKind.LavtWeightedBce, MaskPointSampling.FullMap)]
    public void GradientsAreFinite(SegmentationLossKind kind, MaskPointSampling sampling)
    {
        using var scope = NewDisposeScope();
        var outputs = Enumerable.Range(0, 3).Select(_ => new MaskDecoderOutput(randn(2, 1, 2).requires_grad_(), randn(2, 1, 8, 8).requires_grad_())).ToArray();
        var gt = zeros(2, 32, 32);
        gt[0, TensorIndex.Slice(4, 20), TensorIndex.Slice(8, 30)] = ones(16, 22);
        var options = new SegmentationLossOptions { Kind = kind, Sampling = sampling, NumPoints = 64 };
        var result = new SegmentationLoss(options).Compute(outputs, gt, new Generator(3));
        result.Total.backward();

        Assert.IsTrue(float.IsFinite(result.Total.item<float>()) && result.Total.item<float>() > 0);
        var final = outputs[^1];
        Assert.IsTrue(final.MaskLogits.grad!.isfinite().all().item<bool>() && final.MaskLogits.grad.abs().sum().item<float>() > 0);
        foreach (var o in outputs)
            Assert.IsTrue(o.MaskLogits.grad is null || o.MaskLogits.grad.isfinite().all().item<bool>());
    }

    [TestMethod]
    public void PointSampledLossIsDeterministicForASeedAndEstimatesTheFullMapLoss()
    {
        using var scope = NewDisposeScope();
        // A logit ramp along x over a 256×256 map and a ground truth whose right half is foreground. With importance 0
        // the points are uniform, so the point mean estimates the per-pixel mean of the full map; they differ only by
        // sampling noise (< 1 %) and the zero padding read in the outer half pixel (0.8 % of points, ~1 % bias).
        // Reading x and y swapped would make the labels independent of the logits and the loss about 3× larger.
        var ramp = linspace(-3, 3, 256).view(1, 1, 1, 256).expand(1, 1, 256, 256).contiguous();
        var gt = zeros(1, 256, 256);
        gt[0, TensorIndex.Colon, TensorIndex.Slice(128, 256)] = ones(256, 128);
        var outputs = new[] { new MaskDecoderOutput(zeros(1, 1, 2), ramp) };
        var pointOptions = new SegmentationLossOptions { Sampling = MaskPointSampling.UncertaintyPoints, NumPoints = 20000, ImportanceSampleRatio = 0 };

        var first = new SegmentationLoss(pointOptions).Compute(outputs, gt, new Generator(4)).MaskCrossEntropy.item<float>();
        var second = new SegmentationLoss(pointOptions).Compute(outputs, gt, new Generator(4)).MaskCrossEntropy.item<float>();
        var fullMap = new SegmentationLoss().Compute(outputs, gt).MaskCrossEntropy.item<float>();

        Assert.AreEqual(first, second);
        Assert.AreEqual(fullMap, first, 0.05 * fullMap);
    }

    [TestMethod]
    public void RejectsEmptyListsAndBadShapes()
    {
        using var scope = NewDisposeScope();
        var loss = new SegmentationLoss();
        Assert.ThrowsExactly<ArgumentException>(() => loss.Compute(Array.Empty<MaskDecoderOutput>(), zeros(1, 4, 4)));
        Assert.ThrowsExactly<ArgumentException>(() => loss.Compute(new[] { new MaskDecoderOutput(zeros(1, 2, 2), zeros(1, 1, 2, 2)) }, zeros(1, 4, 4)));
        Assert.ThrowsExactly<ArgumentException>(() => loss.Compute(new[] { new MaskDecoderOutput(zeros(1, 1, 2), zeros(1, 2, 2)) }, zeros(1, 4, 4)));
        Assert.ThrowsExactly<ArgumentException>(() => loss.Compute(new[] { new MaskDecoderOutput(zeros(2, 1, 2), zeros(2, 1, 2, 2)) }, zeros(1, 4, 4)));
        Assert.ThrowsExactly<ArgumentException>(() => new SegmentationLoss(new SegmentationLossOptions { ImportanceSampleRatio = 2 }));
    }
}
