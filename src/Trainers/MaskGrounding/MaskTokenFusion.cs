namespace MagNet.ML.Training;

/// <summary>Where the mask tokens enter the Masked Token Predictor's input sequence (a reconstruction).</summary>
public enum MaskTokenFusion
{
    /// <summary>
    /// Each mask token is added to the visual token of the same grid cell, so the sequence is T text tokens plus G²
    /// visual tokens (20 + 16 = 36 at the defaults, which matches the commented-out <c>max_position_embeddings:
    /// 16+20</c> of the author's training script). The default.
    /// </summary>
    AddToVisualTokens,

    /// <summary>The G² mask tokens are appended as their own tokens (token type 2): T + 2·G² tokens.</summary>
    SeparateTokens,
}
