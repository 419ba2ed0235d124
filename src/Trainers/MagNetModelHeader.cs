using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MagNet.ML;

/// <summary>The <c>header.json</c> of a MagNet.ML model file (see <see cref="MagNetModelFile"/>).</summary>
internal sealed class MagNetModelHeader
{
    [JsonPropertyName("format")] public string Format { get; set; } = "";

    [JsonPropertyName("format_version")] public int FormatVersion { get; set; }

    [JsonPropertyName("writer")] public string Writer { get; set; } = "";

    [JsonPropertyName("config")] public JsonObject? Config { get; set; }

    [JsonPropertyName("columns")] public ColumnsSection Columns { get; set; } = new();

    [JsonPropertyName("preprocessing")] public PreprocessingSection Preprocessing { get; set; } = new();

    [JsonPropertyName("threshold")] public float Threshold { get; set; }

    [JsonPropertyName("batch_size")] public int BatchSize { get; set; }

    internal sealed class ColumnsSection
    {
        [JsonPropertyName("image")] public string Image { get; set; } = "";

        [JsonPropertyName("expression")] public string Expression { get; set; } = "";

        [JsonPropertyName("predicted_mask")] public string PredictedMask { get; set; } = "";

        [JsonPropertyName("probability")] public string Probability { get; set; } = "";

        [JsonPropertyName("score")] public string Score { get; set; } = "";
    }

    internal sealed class PreprocessingSection
    {
        [JsonPropertyName("image_size")] public int ImageSize { get; set; }

        [JsonPropertyName("mean")] public float[] Mean { get; set; } = [];

        [JsonPropertyName("std")] public float[] Std { get; set; } = [];

        [JsonPropertyName("max_tokens")] public int MaxTokens { get; set; }

        /// <summary><c>embedded:bert-base-uncased</c> or the entry name <c>vocab.txt</c>.</summary>
        [JsonPropertyName("vocabulary")] public string Vocabulary { get; set; } = "";

        [JsonPropertyName("vocabulary_md5")] public string VocabularyMd5 { get; set; } = "";

        [JsonPropertyName("vocabulary_size")] public int VocabularySize { get; set; }

        [JsonPropertyName("tokenizer_lowercase")] public bool TokenizerLowercase { get; set; }
    }
}
