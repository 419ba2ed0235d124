namespace MagNet.ML.Training;

/// <summary>
/// Sizes and choices of the Mask Grounding head (<see cref="MaskGroundingHead"/>). The defaults are the paper's
/// predictor (a BERT encoder of 8 layers × 512 wide × 8 heads × 3072 FFN, GELU, dropout 0.1, LayerNorm eps 1e-12,
/// initializer range 0.02, from the author's training script) on MagNet-B inputs (BERT-base text 768-d, Swin-B
/// stage 4 1024-d, 20 tokens). Everything about the predictor's inputs is a reconstruction (MAGNET-SPEC §4.1);
/// docs/training-objectives.md describes each option.
/// </summary>
public sealed class MaskGroundingOptions
{
    /// <summary>Width D_text of the masked-sentence features the head reads. Default 768 (BERT-base).</summary>
    public int TextDimension { get; set; } = 768;

    /// <summary>Channels C4 of the stage-4 visual features. Default 1024 (Swin-B).</summary>
    public int VisualDimension { get; set; } = 1024;

    /// <summary>Hidden width H of the Masked Token Predictor. Default 512.</summary>
    public int HiddenSize { get; set; } = 512;

    /// <summary>Number of transformer layers. Default 8.</summary>
    public int NumLayers { get; set; } = 8;

    /// <summary>Attention heads per layer (must divide <see cref="HiddenSize"/>). Default 8.</summary>
    public int NumHeads { get; set; } = 8;

    /// <summary>Feed-forward width. Default 3072.</summary>
    public int IntermediateSize { get; set; } = 3072;

    /// <summary>Dropout on embeddings, attention outputs and feed-forward outputs (BERT's hidden dropout). Default 0.1.</summary>
    public double HiddenDropout { get; set; } = 0.1;

    /// <summary>Dropout on attention probabilities. Default 0.1.</summary>
    public double AttentionDropout { get; set; } = 0.1;

    /// <summary>LayerNorm epsilon. Default 1e-12 (BERT).</summary>
    public double LayerNormEps { get; set; } = 1e-12;

    /// <summary>Standard deviation of the normal initialisation of linear and embedding weights. Default 0.02.</summary>
    public double InitializerRange { get; set; } = 0.02;

    /// <summary>Vocabulary size V of the prediction. Default 30522 (bert-base-uncased).</summary>
    public int VocabularySize { get; set; } = 30522;

    /// <summary>Most text tokens T the head accepts (sizes the position table). Default 20 (LAVT/MagNet max tokens).</summary>
    public int MaxTextTokens { get; set; } = 20;

    /// <summary>Side G of the token grid for visual and mask tokens (G² tokens each). Default 4 (16 tokens).</summary>
    public int GridSize { get; set; } = 4;

    /// <summary>How the ground-truth mask becomes tokens. Default <see cref="MaskEncoderKind.Convolutional"/>.</summary>
    public MaskEncoderKind MaskEncoder { get; set; } = MaskEncoderKind.Convolutional;

    /// <summary>Channels of the convolutional mask encoder's hidden layers. Default 64.</summary>
    public int MaskEncoderChannels { get; set; } = 64;

    /// <summary>Where mask tokens enter the sequence. Default <see cref="MaskTokenFusion.AddToVisualTokens"/>.</summary>
    public MaskTokenFusion MaskFusion { get; set; } = MaskTokenFusion.AddToVisualTokens;

    /// <summary>
    /// Tie the vocabulary decoder to the text encoder's word-embedding matrix E [V,D_text]: logits =
    /// (W_p·h)·Eᵀ + b with a learned projection W_p (H → D_text, no bias), E passed at call time (so gradients reach
    /// the encoder's own parameter and nothing is copied). Default false: an untied Linear(H → V), as a
    /// <c>BertLMPredictionHead</c> built beside a separate <c>BertEncoder</c> (the author's script) has.
    /// </summary>
    public bool TieDecoderToWordEmbeddings { get; set; }

    /// <summary>Number of visual-grid tokens, G².</summary>
    public int GridTokens => GridSize * GridSize;

    /// <summary>Length of the position table: text tokens, visual tokens and (when separate) mask tokens.</summary>
    public int MaxPositions => MaxTextTokens + GridTokens * (MaskFusion == MaskTokenFusion.SeparateTokens ? 2 : 1);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        Positive(TextDimension, nameof(TextDimension));
        Positive(VisualDimension, nameof(VisualDimension));
        Positive(HiddenSize, nameof(HiddenSize));
        Positive(NumLayers, nameof(NumLayers));
        Positive(NumHeads, nameof(NumHeads));
        Positive(IntermediateSize, nameof(IntermediateSize));
        Positive(VocabularySize, nameof(VocabularySize));
        Positive(MaxTextTokens, nameof(MaxTextTokens));
        Positive(GridSize, nameof(GridSize));
        Positive(MaskEncoderChannels, nameof(MaskEncoderChannels));
        if (HiddenSize % NumHeads != 0)
            throw new ArgumentException($"{nameof(HiddenSize)} ({HiddenSize}) must be a multiple of {nameof(NumHeads)} ({NumHeads}).");
        if (!(HiddenDropout >= 0 && HiddenDropout < 1)) throw new ArgumentException($"{nameof(HiddenDropout)} must be in [0, 1); got {HiddenDropout}.");
        if (!(AttentionDropout >= 0 && AttentionDropout < 1)) throw new ArgumentException($"{nameof(AttentionDropout)} must be in [0, 1); got {AttentionDropout}.");
        if (!(LayerNormEps > 0)) throw new ArgumentException($"{nameof(LayerNormEps)} must be positive; got {LayerNormEps}.");
        if (!(InitializerRange > 0)) throw new ArgumentException($"{nameof(InitializerRange)} must be positive; got {InitializerRange}.");
        if (!Enum.IsDefined(MaskEncoder)) throw new ArgumentException($"{nameof(MaskEncoder)} has the unknown value {MaskEncoder}.");
        if (!Enum.IsDefined(MaskFusion)) throw new ArgumentException($"{nameof(MaskFusion)} has the unknown value {MaskFusion}.");
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0) throw new ArgumentException($"{name} must be positive; got {value}.");
    }
}
