namespace MagNet.ML.Training;

/// <summary>Which segmentation objective <see cref="SegmentationLoss"/> computes.</summary>
public enum SegmentationLossKind
{
    /// <summary>Mask2Former's criterion on every decoder output: class cross-entropy (no-object weight), sigmoid
    /// BCE and Dice on the mask. The default (MAGNET-SPEC §4.3).</summary>
    Mask2Former,

    /// <summary>
    /// LAVT's objective adapted to a one-query mask: class-weighted BCE (0.9 background, 1.1 foreground) on the final
    /// output's mask logits upsampled (bilinear, align_corners = true) to the ground-truth size. With one logit x per
    /// pixel this equals LAVT's weighted 2-class cross-entropy on the logits (0, x). No class term, no deep supervision.
    /// </summary>
    LavtWeightedBce,
}
