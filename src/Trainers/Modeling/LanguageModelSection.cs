using System.Text.Json.Serialization;

namespace MagNet.ML;

/// <summary>
/// The text-encoder section (<c>language_model</c>): the BERT configuration plus the arguments the official
/// <c>MultiModalBert</c> constructor takes for the language-side fusion.
/// </summary>
public sealed class LanguageModelSection
{
    /// <summary>The BERT hyper-parameters (Hugging Face names).</summary>
    [JsonPropertyName("config")] public BertConfig Config { get; set; } = new();

    /// <summary>Stage-1 width of the image encoder; the language PWAM of stage i reads visual features of width embed_dim·2^i.</summary>
    [JsonPropertyName("embed_dim")] public int EmbedDim { get; set; } = 128;

    /// <summary>
    /// End (exclusive) of the BERT layer group of each stage: stage i runs layers [pwam_idx[i-1], pwam_idx[i]).
    /// Four increasing values, the last equal to num_hidden_layers.
    /// </summary>
    [JsonPropertyName("pwam_idx")] public int[] PwamIdx { get; set; } = [3, 6, 9, 12];

    /// <summary>Attention heads of the language-side PWAMs per stage.</summary>
    [JsonPropertyName("num_heads_fusion")] public int[] NumHeadsFusion { get; set; } = [1, 1, 1, 1];

    /// <summary>Dropout inside the language-side PWAMs (training only).</summary>
    [JsonPropertyName("fusion_drop")] public double FusionDrop { get; set; }
}
