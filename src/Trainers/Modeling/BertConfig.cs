using System.Text.Json.Serialization;

namespace MagNet.ML;

/// <summary>
/// Hyper-parameters of the BERT text encoder, named as Hugging Face's <c>BertConfig</c> (the JSON of
/// <c>language_model.config</c>). Defaults are bert-base-uncased.
/// </summary>
public sealed class BertConfig
{
    /// <summary>WordPiece vocabulary size.</summary>
    [JsonPropertyName("vocab_size")] public int VocabSize { get; set; } = 30522;

    /// <summary>Width D of the token features.</summary>
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; set; } = 768;

    /// <summary>Number of transformer layers.</summary>
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; set; } = 12;

    /// <summary>Self-attention heads per layer.</summary>
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; set; } = 12;

    /// <summary>Width of the feed-forward layer.</summary>
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; set; } = 3072;

    /// <summary>Feed-forward activation: "gelu" (exact, erf) or "relu".</summary>
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; set; } = "gelu";

    /// <summary>Dropout on embeddings and layer outputs (training only).</summary>
    [JsonPropertyName("hidden_dropout_prob")] public double HiddenDropoutProb { get; set; } = 0.1;

    /// <summary>Dropout on attention probabilities (training only).</summary>
    [JsonPropertyName("attention_probs_dropout_prob")] public double AttentionProbsDropoutProb { get; set; } = 0.1;

    /// <summary>Number of learned positions (longest token sequence).</summary>
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; set; } = 512;

    /// <summary>Number of token types (segment ids); MagNet always uses type 0.</summary>
    [JsonPropertyName("type_vocab_size")] public int TypeVocabSize { get; set; } = 2;

    /// <summary>Standard deviation of the normal initialisation of linear and embedding weights.</summary>
    [JsonPropertyName("initializer_range")] public double InitializerRange { get; set; } = 0.02;

    /// <summary>Epsilon of every BERT LayerNorm.</summary>
    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; set; } = 1e-12;

    /// <summary>Id of the padding token.</summary>
    [JsonPropertyName("pad_token_id")] public int PadTokenId { get; set; }
}
