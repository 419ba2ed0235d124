namespace MagNet.ML.Modeling;

/// <summary>
/// Sizes of the MagNet segmentation head (a simplified Mask2Former: a multi-scale deformable-attention pixel decoder
/// and a masked-attention transformer decoder). The defaults are the released MagNet-B head (the <c>cfg</c> that the
/// official <c>test.py</c> builds); change them for smaller models.
/// </summary>
public sealed class MaskFormerHeadOptions
{
    /// <summary>Channels of the four input feature maps s1..s4 (strides 4, 8, 16, 32). Default 128/256/512/1024.</summary>
    public int[] InputChannels { get; set; } = [128, 256, 512, 1024];

    /// <summary>Strides of the four input feature maps s1..s4 relative to the image. Default 4/8/16/32.</summary>
    public int[] InputStrides { get; set; } = [4, 8, 16, 32];

    /// <summary>Width of the pixel decoder (<c>CONVS_DIM</c>): input projections and deformable encoder. Default 256.</summary>
    public int ConvDim { get; set; } = 256;

    /// <summary>Channels of the per-pixel mask features (<c>MASK_DIM</c>). Default 256.</summary>
    public int MaskDim { get; set; } = 256;

    /// <summary>Width of the transformer decoder and its queries (<c>HIDDEN_DIM</c>). Default 256.</summary>
    public int HiddenDim { get; set; } = 256;

    /// <summary>Attention heads of both the deformable encoder and the transformer decoder (<c>NHEADS</c>). Default 8.</summary>
    public int NumHeads { get; set; } = 8;

    /// <summary>Deformable encoder layers of the pixel decoder (<c>TRANSFORMER_ENC_LAYERS</c>). Default 4.</summary>
    public int TransformerEncoderLayers { get; set; } = 4;

    /// <summary>
    /// Feed-forward width of the deformable encoder layers. Default 1024 (the official head hard-codes it;
    /// <see cref="DimFeedforward"/> is used only by the transformer decoder).
    /// </summary>
    public int EncoderFeedforwardDim { get; set; } = 1024;

    /// <summary>Sampling points per head and level of multi-scale deformable attention. Default 4.</summary>
    public int NumPoints { get; set; } = 4;

    /// <summary>
    /// <c>DEC_LAYERS</c> as in Mask2Former configurations: the decoder has <c>DecLayers - 1</c> layers and produces
    /// <c>DecLayers</c> predictions (one from the learnable query, one after each layer). Default 10.
    /// </summary>
    public int DecLayers { get; set; } = 10;

    /// <summary>Feed-forward width of the transformer decoder layers (<c>DIM_FEEDFORWARD</c>). Default 2048.</summary>
    public int DimFeedforward { get; set; } = 2048;

    /// <summary>Learnable object queries (<c>NUM_OBJECT_QUERIES</c>). Default 1 (one referred object).</summary>
    public int NumQueries { get; set; } = 1;

    /// <summary>Object classes; the class head predicts <c>NumClasses + 1</c> logits (the last is "no object"). Default 1.</summary>
    public int NumClasses { get; set; } = 1;

    /// <summary>Pre-norm transformer decoder layers instead of post-norm (<c>PRE_NORM</c>). Default false.</summary>
    public bool PreNorm { get; set; }

    /// <summary>
    /// Stride of the mask features (<c>COMMON_STRIDE</c>). Must equal the smallest input stride: every input level
    /// enters the deformable encoder and no extra FPN level is built (the MagNet configuration). Default 4.
    /// </summary>
    public int CommonStride { get; set; } = 4;

    /// <summary>Dropout of the deformable encoder layers (<c>MASK_FORMER.DROPOUT</c>; active only in training mode). Default 0.</summary>
    public double Dropout { get; set; }

    /// <summary>Number of input feature levels (s1..s4).</summary>
    public const int InputLevels = 4;

    /// <summary>Number of pixel-decoder levels the transformer decoder attends to, in turn (fixed at 3, as in Mask2Former).</summary>
    public const int DecoderFeatureLevels = 3;

    /// <summary>Transformer decoder layers: <see cref="DecLayers"/> − 1.</summary>
    public int DecoderLayers => DecLayers - 1;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first option that cannot build a head.</summary>
    public void Validate()
    {
        if (InputChannels is null || InputChannels.Length != InputLevels)
            throw new ArgumentException($"{nameof(InputChannels)} must list {InputLevels} channel counts (s1..s4).", nameof(InputChannels));
        if (InputStrides is null || InputStrides.Length != InputLevels)
            throw new ArgumentException($"{nameof(InputStrides)} must list {InputLevels} strides (s1..s4).", nameof(InputStrides));
        for (int i = 0; i < InputLevels; i++)
        {
            if (InputChannels[i] <= 0)
                throw new ArgumentException($"{nameof(InputChannels)}[{i}] is {InputChannels[i]}; it must be positive.", nameof(InputChannels));
            if (InputStrides[i] <= 0 || (i > 0 && InputStrides[i] <= InputStrides[i - 1]))
                throw new ArgumentException($"{nameof(InputStrides)} must be positive and increasing (s1 finest); got [{string.Join(", ", InputStrides)}].", nameof(InputStrides));
        }
        RequirePositive(ConvDim, nameof(ConvDim));
        RequirePositive(MaskDim, nameof(MaskDim));
        RequirePositive(HiddenDim, nameof(HiddenDim));
        RequirePositive(NumHeads, nameof(NumHeads));
        RequirePositive(TransformerEncoderLayers, nameof(TransformerEncoderLayers));
        RequirePositive(EncoderFeedforwardDim, nameof(EncoderFeedforwardDim));
        RequirePositive(NumPoints, nameof(NumPoints));
        RequirePositive(DimFeedforward, nameof(DimFeedforward));
        RequirePositive(NumQueries, nameof(NumQueries));
        RequirePositive(NumClasses, nameof(NumClasses));
        if (DecLayers < 1)
            throw new ArgumentException($"{nameof(DecLayers)} is {DecLayers}; it must be at least 1 (the decoder has DecLayers - 1 layers).", nameof(DecLayers));
        if (ConvDim % 32 != 0)
            throw new ArgumentException($"{nameof(ConvDim)} is {ConvDim}; the pixel decoder's GroupNorm(32) needs a multiple of 32.", nameof(ConvDim));
        if (ConvDim % NumHeads != 0)
            throw new ArgumentException($"{nameof(ConvDim)} ({ConvDim}) must be divisible by {nameof(NumHeads)} ({NumHeads}).", nameof(ConvDim));
        if (HiddenDim % NumHeads != 0)
            throw new ArgumentException($"{nameof(HiddenDim)} ({HiddenDim}) must be divisible by {nameof(NumHeads)} ({NumHeads}).", nameof(HiddenDim));
        if (ConvDim % 2 != 0 || HiddenDim % 2 != 0)
            throw new ArgumentException("The sine position encoding needs even widths: ConvDim and HiddenDim must be even.", nameof(HiddenDim));
        if (CommonStride != InputStrides[0])
            throw new ArgumentException($"{nameof(CommonStride)} ({CommonStride}) must equal the smallest input stride ({InputStrides[0]}): extra FPN levels are not built.", nameof(CommonStride));
        if (Dropout < 0 || Dropout >= 1)
            throw new ArgumentException($"{nameof(Dropout)} is {Dropout}; it must be in [0, 1).", nameof(Dropout));
    }

    private static void RequirePositive(int value, string name)
    {
        if (value <= 0) throw new ArgumentException($"{name} is {value}; it must be positive.", name);
    }
}
