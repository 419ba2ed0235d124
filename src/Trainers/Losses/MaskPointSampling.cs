namespace MagNet.ML.Training;

/// <summary>Where the Mask2Former mask terms (BCE, Dice) are evaluated.</summary>
public enum MaskPointSampling
{
    /// <summary>On every pixel of the mask-logit map, against the ground truth resized there with nearest. The
    /// default (bench/RESULTS.md was measured with it): simple and cheap, but edges are only as fine as a logit cell;
    /// see <see cref="GroundTruthResolution"/>.</summary>
    FullMap,

    /// <summary>
    /// Mask2Former's point sampling: <see cref="SegmentationLossOptions.NumPoints"/> points per mask, of which
    /// <see cref="SegmentationLossOptions.ImportanceSampleRatio"/> are the most uncertain (smallest |logit|) among
    /// <see cref="SegmentationLossOptions.OversampleRatio"/>× as many uniform candidates and the rest uniform. Logits
    /// and the ground truth are read at the points bilinearly (align_corners = false), so labels are soft at edges.
    /// </summary>
    UncertaintyPoints,

    /// <summary>
    /// On every pixel of the ground truth: the logits are first upsampled to its size exactly as at inference
    /// (bilinear, align_corners = true). The loss then scores the mask that is evaluated, edges included; the logit
    /// map against a nearest-downsampled ground truth (<see cref="FullMap"/>) cannot represent an edge finer than a
    /// logit cell.
    /// </summary>
    GroundTruthResolution,
}
