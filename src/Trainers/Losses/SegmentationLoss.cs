using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MagNet.ML.Training;

/// <summary>
/// The segmentation loss on the decoder's predictions (MAGNET-SPEC §4.3): Mask2Former's criterion on every decoder
/// output (deep supervision), or LAVT's weighted BCE on the final one (<see cref="SegmentationLossOptions.Kind"/>).
/// </summary>
/// <remarks>
/// <para>Mask2Former, per decoder output, with one query and one ground truth (the Hungarian matching is trivial):</para>
/// <list type="bullet">
/// <item>Class: cross-entropy of the query's logits [B,K+1] against class 0 (the referred object) for a sample whose
/// ground truth has a foreground pixel, and against the last index ("no object") for an empty ground truth (a
/// gRefCOCO no-target sample), with class weights 1 and <see cref="SegmentationLossOptions.NoObjectWeight"/>; the
/// mean is weighted, Σ w_y·nll / Σ w_y, as PyTorch's <c>cross_entropy(weight=…)</c>.</item>
/// <item>Mask (samples with a non-empty ground truth only; an empty ground truth has no matched mask, so its mask
/// terms are skipped): BCE = mean over points of the sigmoid cross-entropy; Dice = 1 − (2Σσ(x)y + 1)/(Σσ(x) + Σy + 1);
/// each summed over masks and divided by the number of non-empty masks (at least 1).</item>
/// <item>Output loss = w_cls·CE + w_bce·BCE + w_dice·Dice; the total sums the outputs.</item>
/// </list>
/// <para>Points are every pixel of the logit map against the ground truth resized there with nearest
/// (<see cref="MaskPointSampling.FullMap"/>, default), every pixel of the ground truth with the logits upsampled there
/// as at inference (<see cref="MaskPointSampling.GroundTruthResolution"/>), or Mask2Former's uncertainty point
/// sampling.</para>
/// </remarks>
public sealed class SegmentationLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="options">Settings; null takes the defaults. Validated here.</param>
    public SegmentationLoss(SegmentationLossOptions? options = null)
    {
        Options = options ?? new SegmentationLossOptions();
        Options.Validate();
    }

    /// <summary>The settings in use.</summary>
    public SegmentationLossOptions Options { get; }

    /// <summary>Computes the loss.</summary>
    /// <param name="outputs">The decoder outputs, initial first and final last (at least one).</param>
    /// <param name="gtMask">Ground truth [B,H,W] (0/1, any numeric type; &gt; 0.5 is foreground).</param>
    /// <param name="generator">Generator for point sampling (draws are made on its device); null uses torch's default.</param>
    /// <exception cref="ArgumentException">The list is empty or a shape does not match.</exception>
    public SegmentationLossResult Compute(IReadOnlyList<MaskDecoderOutput> outputs, Tensor gtMask, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(gtMask);
        if (outputs.Count == 0) throw new ArgumentException("At least one decoder output is needed.", nameof(outputs));
        if (gtMask.dim() != 3) throw new ArgumentException($"gtMask must have shape [B,H,W]; got {Shape(gtMask)}.", nameof(gtMask));
        for (int i = 0; i < outputs.Count; i++) CheckOutput(outputs[i], i, gtMask.shape[0]);

        using var scope = NewDisposeScope();
        var target = gtMask.to(outputs[0].MaskLogits.device).gt(0.5).to_type(outputs[0].MaskLogits.dtype); // [B,H,W] 0/1
        SegmentationLossResult result = Options.Kind == SegmentationLossKind.LavtWeightedBce
            ? LavtWeightedBce(outputs[^1], target)
            : Mask2Former(outputs, target, generator);
        return new SegmentationLossResult(result.Total.MoveToOuterDisposeScope(), result.Classification.MoveToOuterDisposeScope(),
            result.MaskCrossEntropy.MoveToOuterDisposeScope(), result.Dice.MoveToOuterDisposeScope());
    }

    private SegmentationLossResult Mask2Former(IReadOnlyList<MaskDecoderOutput> outputs, Tensor target, Generator? generator)
    {
        long b = target.shape[0];
        var hasObject = target.flatten(1).amax(1).gt(0.5);                                          // [B]
        long classes = outputs[0].ClassLogits.shape[2];
        var classTarget = full(new[] { b }, classes - 1, ScalarType.Int64, target.device).masked_fill(hasObject, 0L);
        var weights = Enumerable.Repeat(1.0, (int)classes).ToArray();
        weights[^1] = Options.NoObjectWeight;
        var classWeight = tensor(weights, outputs[0].ClassLogits.dtype, target.device);
        var matched = hasObject.nonzero().squeeze(1);
        long numMasks = Math.Max(matched.shape[0], 1);
        var matchedTarget = target.index_select(0, matched).unsqueeze(1);                          // [M,1,H,W]

        Tensor? classSum = null, bceSum = null, diceSum = null;
        foreach (var output in outputs)
        {
            var ce = F.cross_entropy(output.ClassLogits.select(1, 0), classTarget, classWeight);
            var (bce, dice) = matched.shape[0] == 0
                ? (output.MaskLogits.sum().mul(0.0), output.MaskLogits.sum().mul(0.0))
                : MaskTerms(output.MaskLogits.index_select(0, matched), matchedTarget, numMasks, generator);
            classSum = classSum is null ? ce : classSum + ce;
            bceSum = bceSum is null ? bce : bceSum + bce;
            diceSum = diceSum is null ? dice : diceSum + dice;
        }
        var total = classSum!.mul(Options.ClassWeight) + bceSum!.mul(Options.MaskBceWeight) + diceSum!.mul(Options.DiceWeight);
        return new SegmentationLossResult(total, classSum, bceSum, diceSum);
    }

    /// <summary>BCE and Dice of matched masks [M,1,h,w] against targets [M,1,H,W], each summed over masks / numMasks.</summary>
    private (Tensor Bce, Tensor Dice) MaskTerms(Tensor maskLogits, Tensor matchedTarget, long numMasks, Generator? generator)
    {
        Tensor pointLogits, pointLabels;                                                        // [M,P]
        if (Options.Sampling == MaskPointSampling.FullMap)
        {
            pointLogits = maskLogits.flatten(1);
            pointLabels = F.interpolate(matchedTarget, new[] { maskLogits.shape[2], maskLogits.shape[3] }, mode: InterpolationMode.Nearest).flatten(1);
        }
        else if (Options.Sampling == MaskPointSampling.GroundTruthResolution)
        {
            pointLogits = UpsampleToTarget(maskLogits, matchedTarget).flatten(1);
            pointLabels = matchedTarget.flatten(1);
        }
        else
        {
            var points = PointSampler.UncertainPoints(maskLogits, Options.NumPoints, Options.OversampleRatio, Options.ImportanceSampleRatio, generator);
            pointLogits = PointSampler.Sample(maskLogits, points).select(1, 0);
            pointLabels = PointSampler.Sample(matchedTarget, points).select(1, 0);
        }
        var bce = F.binary_cross_entropy_with_logits(pointLogits, pointLabels, reduction: nn.Reduction.None).mean(new long[] { 1 }).sum().div(numMasks);
        var probabilities = pointLogits.sigmoid();
        var numerator = probabilities.mul(pointLabels).sum(1).mul(2.0);
        var denominator = probabilities.sum(1) + pointLabels.sum(1);
        var dice = (1.0 - (numerator + 1.0) / (denominator + 1.0)).sum().div(numMasks);
        return (bce, dice);
    }

    private SegmentationLossResult LavtWeightedBce(MaskDecoderOutput final, Tensor target)
    {
        var logits = UpsampleToTarget(final.MaskLogits, target.unsqueeze(1)).select(1, 0);        // [B,H,W]
        var weight = target.mul(Options.LavtForegroundWeight - Options.LavtBackgroundWeight).add(Options.LavtBackgroundWeight);
        var perPixel = F.binary_cross_entropy_with_logits(logits, target, reduction: nn.Reduction.None);
        var loss = perPixel.mul(weight).sum().div(weight.sum());
        return new SegmentationLossResult(loss, final.MaskLogits.sum().mul(0.0), loss.alias(), final.MaskLogits.sum().mul(0.0));
    }

    /// <summary>Mask logits [N,1,h,w] resized to the target's [N,1,H,W] as at inference (bilinear, align_corners = true).</summary>
    private static Tensor UpsampleToTarget(Tensor maskLogits, Tensor target) =>
        F.interpolate(maskLogits, new[] { target.shape[2], target.shape[3] }, mode: InterpolationMode.Bilinear, align_corners: true);

    private static void CheckOutput(MaskDecoderOutput output, int index, long batch)
    {
        if (output.ClassLogits is null || output.MaskLogits is null)
            throw new ArgumentException($"Decoder output {index} has a null tensor.", "outputs");
        var c = output.ClassLogits;
        var m = output.MaskLogits;
        if (c.dim() != 3 || c.shape[0] != batch || c.shape[1] != 1 || c.shape[2] < 2)
            throw new ArgumentException($"Decoder output {index}: ClassLogits must have shape [{batch},1,K+1] with K+1 ≥ 2; got {Shape(c)}.", "outputs");
        if (m.dim() != 4 || m.shape[0] != batch || m.shape[1] != 1)
            throw new ArgumentException($"Decoder output {index}: MaskLogits must have shape [{batch},1,h,w]; got {Shape(m)}.", "outputs");
    }

    private static string Shape(Tensor t) => "[" + string.Join(",", t.shape) + "]";
}
