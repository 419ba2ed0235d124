using static TorchSharp.torch;

namespace MagNet.ML.Training;

/// <summary>
/// The Cross-modal Alignment Loss of a batch: the weighted total and its three unweighted terms (scalars), plus how
/// many pixels were used. The tensors belong to the dispose scope current when the loss was computed.
/// </summary>
public sealed class CrossModalAlignmentLossResult
{
    internal CrossModalAlignmentLossResult(Tensor total, Tensor positive, Tensor negative, Tensor language,
        long positivePixels, long negativePixels)
    {
        Total = total;
        Positive = positive;
        Negative = negative;
        Language = language;
        PositivePixels = positivePixels;
        NegativePixels = negativePixels;
    }

    /// <summary>w₊·L_pos + w₋·L_neg + w_l·L_lang (what the trainer adds to the total loss).</summary>
    public Tensor Total { get; }

    /// <summary>L_pos, the positive-pixel (foreground) SupCon term, unweighted.</summary>
    public Tensor Positive { get; }

    /// <summary>L_neg, the negative-pixel (background) SupCon term, unweighted.</summary>
    public Tensor Negative { get; }

    /// <summary>L_lang, the pixel-language InfoNCE term, unweighted.</summary>
    public Tensor Language { get; }

    /// <summary>Foreground pixels used over the batch, after sampling.</summary>
    public long PositivePixels { get; }

    /// <summary>Background pixels used over the batch, after sampling.</summary>
    public long NegativePixels { get; }
}
