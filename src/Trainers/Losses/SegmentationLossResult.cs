using static TorchSharp.torch;

namespace MagNet.ML.Training;

/// <summary>
/// The segmentation loss of a batch: the weighted total and its unweighted parts, each summed over the decoder
/// outputs (scalars). The tensors belong to the dispose scope current when the loss was computed.
/// </summary>
public sealed class SegmentationLossResult
{
    internal SegmentationLossResult(Tensor total, Tensor classification, Tensor maskCrossEntropy, Tensor dice)
    {
        Total = total;
        Classification = classification;
        MaskCrossEntropy = maskCrossEntropy;
        Dice = dice;
    }

    /// <summary>The weighted total: Σ over outputs of (w_cls·CE + w_bce·BCE + w_dice·Dice) for Mask2Former, or the
    /// LAVT weighted BCE.</summary>
    public Tensor Total { get; }

    /// <summary>Class cross-entropy summed over outputs, unweighted (0 for the LAVT objective).</summary>
    public Tensor Classification { get; }

    /// <summary>Mask sigmoid BCE summed over outputs, unweighted (for the LAVT objective: its weighted BCE).</summary>
    public Tensor MaskCrossEntropy { get; }

    /// <summary>Dice loss summed over outputs, unweighted (0 for the LAVT objective).</summary>
    public Tensor Dice { get; }
}
