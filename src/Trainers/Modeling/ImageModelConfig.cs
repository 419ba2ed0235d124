using System.Text.Json.Serialization;

namespace MagNet.ML;

/// <summary>
/// Hyper-parameters of the image encoder (the multi-modal Swin transformer), named exactly as the keyword arguments of
/// the official <c>MultiModalSwin</c> constructor so that the JSON shape mirrors <c>image_model.kwargs</c>.
/// Defaults are the constructor's own defaults (Swin-T sizes).
/// </summary>
public sealed class ImageModelConfig
{
    /// <summary>Pre-training image size; only used to size the absolute position embedding when <see cref="Ape"/> is on.</summary>
    [JsonPropertyName("pretrain_img_size")] public int PretrainImgSize { get; set; } = 224;

    /// <summary>Side of the square patches of the stem convolution (the stage-1 stride).</summary>
    [JsonPropertyName("patch_size")] public int PatchSize { get; set; } = 4;

    /// <summary>Input image channels.</summary>
    [JsonPropertyName("in_chans")] public int InChans { get; set; } = 3;

    /// <summary>Stage-1 width C; stage i has width C·2^(i-1).</summary>
    [JsonPropertyName("embed_dim")] public int EmbedDim { get; set; } = 96;

    /// <summary>Number of Swin blocks per stage (four stages).</summary>
    [JsonPropertyName("depths")] public int[] Depths { get; set; } = [2, 2, 6, 2];

    /// <summary>Attention heads of the Swin blocks per stage.</summary>
    [JsonPropertyName("num_heads")] public int[] NumHeads { get; set; } = [3, 6, 12, 24];

    /// <summary>Side of the attention windows (the shift is half of it).</summary>
    [JsonPropertyName("window_size")] public int WindowSize { get; set; } = 7;

    /// <summary>Hidden width of the Swin MLPs relative to the stage width.</summary>
    [JsonPropertyName("mlp_ratio")] public double MlpRatio { get; set; } = 4.0;

    /// <summary>Whether the window attention's qkv projection has a bias.</summary>
    [JsonPropertyName("qkv_bias")] public bool QkvBias { get; set; } = true;

    /// <summary>Attention scale; null means head_dim^-0.5.</summary>
    [JsonPropertyName("qk_scale")] public double? QkScale { get; set; }

    /// <summary>Dropout after the stem and in the Swin MLPs and projections (training only).</summary>
    [JsonPropertyName("drop_rate")] public double DropRate { get; set; }

    /// <summary>Dropout on the window attention probabilities (training only).</summary>
    [JsonPropertyName("attn_drop_rate")] public double AttnDropRate { get; set; }

    /// <summary>Stochastic-depth rate of the last block; block k of n gets rate·k/(n-1) (training only).</summary>
    [JsonPropertyName("drop_path_rate")] public double DropPathRate { get; set; } = 0.2;

    /// <summary>Whether an absolute position embedding is added after the stem.</summary>
    [JsonPropertyName("ape")] public bool Ape { get; set; }

    /// <summary>Whether the stem applies a LayerNorm after the patch projection.</summary>
    [JsonPropertyName("patch_norm")] public bool PatchNorm { get; set; } = true;

    /// <summary>Stages that own an output LayerNorm <c>norm{i}</c> (present in the state dict, unused by MagNet).</summary>
    [JsonPropertyName("out_indices")] public int[] OutIndices { get; set; } = [0, 1, 2, 3];

    /// <summary>Stages frozen for training (-1: none; 0: the stem; k: the stem and stages 1..k).</summary>
    [JsonPropertyName("frozen_stages")] public int FrozenStages { get; set; } = -1;

    /// <summary>Activation checkpointing; not supported by this port (must be false).</summary>
    [JsonPropertyName("use_checkpoint")] public bool UseCheckpoint { get; set; }

    /// <summary>Attention heads of the image-side PWAMs per stage (the CAM branch PWAMs use the same count).</summary>
    [JsonPropertyName("num_heads_fusion")] public int[] NumHeadsFusion { get; set; } = [1, 1, 1, 1];

    /// <summary>Dropout inside the image-side PWAMs (training only).</summary>
    [JsonPropertyName("fusion_drop")] public double FusionDrop { get; set; }

    /// <summary>Width of stage <paramref name="stage"/> (0-based): embed_dim·2^stage.</summary>
    public int StageDim(int stage) => EmbedDim << stage;
}
