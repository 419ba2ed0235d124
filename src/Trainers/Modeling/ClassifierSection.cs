using System.Text.Json.Serialization;

namespace MagNet.ML;

/// <summary>The head section (<c>classifier</c>): the official cfg keys and the shapes of the backbone features s1..s4.</summary>
public sealed class ClassifierSection
{
    /// <summary>The head hyper-parameters.</summary>
    [JsonPropertyName("cfg")] public ClassifierConfig Cfg { get; set; } = new();

    /// <summary>Channels and stride of each backbone feature (<c>s1</c>..<c>s4</c>, strides 4..32).</summary>
    [JsonPropertyName("input_shape")] public Dictionary<string, FeatureShape> InputShape { get; set; } = new();
}
