using System.Text.Json.Serialization;

namespace MagNet.ML;

/// <summary>
/// Hyper-parameters of the Mask2Former head, one property per key of the official <c>test.py</c> cfg, serialised under
/// the same dotted names (<c>MODEL.SEM_SEG_HEAD.COMMON_STRIDE</c>, ...). Defaults are the <c>test.py</c> values.
/// </summary>
public sealed class ClassifierConfig
{
    /// <summary>Stride of the mask features relative to the input image (MODEL.SEM_SEG_HEAD.COMMON_STRIDE).</summary>
    [JsonPropertyName("MODEL.SEM_SEG_HEAD.COMMON_STRIDE")] public int CommonStride { get; set; } = 4;

    /// <summary>Dropout of the transformer decoder (MODEL.MASK_FORMER.DROPOUT).</summary>
    [JsonPropertyName("MODEL.MASK_FORMER.DROPOUT")] public double Dropout { get; set; }

    /// <summary>Attention heads of the pixel decoder and the transformer decoder (MODEL.MASK_FORMER.NHEADS).</summary>
    [JsonPropertyName("MODEL.MASK_FORMER.NHEADS")] public int NHeads { get; set; } = 8;

    /// <summary>Deformable encoder layers of the pixel decoder (MODEL.SEM_SEG_HEAD.TRANSFORMER_ENC_LAYERS).</summary>
    [JsonPropertyName("MODEL.SEM_SEG_HEAD.TRANSFORMER_ENC_LAYERS")] public int TransformerEncLayers { get; set; } = 4;

    /// <summary>Width of the pixel decoder (MODEL.SEM_SEG_HEAD.CONVS_DIM).</summary>
    [JsonPropertyName("MODEL.SEM_SEG_HEAD.CONVS_DIM")] public int ConvsDim { get; set; } = 256;

    /// <summary>Width of the mask features (MODEL.SEM_SEG_HEAD.MASK_DIM).</summary>
    [JsonPropertyName("MODEL.SEM_SEG_HEAD.MASK_DIM")] public int MaskDim { get; set; } = 256;

    /// <summary>Backbone features entering the deformable encoder (MODEL.SEM_SEG_HEAD.DEFORMABLE_TRANSFORMER_ENCODER_IN_FEATURES).</summary>
    [JsonPropertyName("MODEL.SEM_SEG_HEAD.DEFORMABLE_TRANSFORMER_ENCODER_IN_FEATURES")]
    public string[] DeformableTransformerEncoderInFeatures { get; set; } = ["s1", "s2", "s3", "s4"];

    /// <summary>Number of classes besides no-object (MODEL.SEM_SEG_HEAD.NUM_CLASSES).</summary>
    [JsonPropertyName("MODEL.SEM_SEG_HEAD.NUM_CLASSES")] public int NumClasses { get; set; } = 1;

    /// <summary>Width of the transformer decoder (MODEL.MASK_FORMER.HIDDEN_DIM).</summary>
    [JsonPropertyName("MODEL.MASK_FORMER.HIDDEN_DIM")] public int HiddenDim { get; set; } = 256;

    /// <summary>Number of queries (MODEL.MASK_FORMER.NUM_OBJECT_QUERIES).</summary>
    [JsonPropertyName("MODEL.MASK_FORMER.NUM_OBJECT_QUERIES")] public int NumObjectQueries { get; set; } = 1;

    /// <summary>
    /// Feed-forward width of the pixel decoder's deformable encoder layers. Mask2Former and the official MagNet head
    /// hard-code 1024 (the default, and what official checkpoints need); this package's own key lets a narrow head — a
    /// 64-wide MagNet-Tiny spends over a third of its FLOPs in these two layers at 1024 — use less.
    /// </summary>
    [JsonPropertyName("MODEL.SEM_SEG_HEAD.TRANSFORMER_DIM_FEEDFORWARD")] public int TransformerDimFeedforward { get; set; } = 1024;

    /// <summary>Feed-forward width of the transformer decoder (MODEL.MASK_FORMER.DIM_FEEDFORWARD).</summary>
    [JsonPropertyName("MODEL.MASK_FORMER.DIM_FEEDFORWARD")] public int DimFeedforward { get; set; } = 2048;

    /// <summary>Decoder depth as the official cfg counts it: DEC_LAYERS − 1 layers are built (MODEL.MASK_FORMER.DEC_LAYERS).</summary>
    [JsonPropertyName("MODEL.MASK_FORMER.DEC_LAYERS")] public int DecLayers { get; set; } = 10;

    /// <summary>Pre-norm instead of post-norm in the transformer decoder (MODEL.MASK_FORMER.PRE_NORM).</summary>
    [JsonPropertyName("MODEL.MASK_FORMER.PRE_NORM")] public bool PreNorm { get; set; }
}
