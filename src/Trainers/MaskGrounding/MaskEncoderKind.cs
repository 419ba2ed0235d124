namespace MagNet.ML.Training;

/// <summary>How the Mask Grounding head turns the ground-truth mask into tokens (MAGNET-SPEC §4.1, §10 item 1:
/// the paper's Mask Encoder is not published; both forms are reconstructions).</summary>
public enum MaskEncoderKind
{
    /// <summary>
    /// The mask is area-resized to the stage-4 grid (fraction of foreground per cell), passed through a small conv
    /// stack (3×3 conv, GELU, 3×3 conv, GELU, 1×1 conv to the hidden width) and adaptive-average-pooled to the
    /// G×G token grid. The default.
    /// </summary>
    Convolutional,

    /// <summary>
    /// The mask is adaptive-average-pooled straight to the G×G grid (fraction of foreground per cell) and each
    /// fraction is embedded by a two-layer MLP (1 → hidden → hidden, GELU).
    /// </summary>
    Pooled,
}
