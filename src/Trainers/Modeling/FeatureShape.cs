using System.Text.Json.Serialization;

namespace MagNet.ML;

/// <summary>Channels and stride of one backbone feature map the head consumes (an entry of <c>classifier.input_shape</c>).</summary>
public sealed class FeatureShape
{
    /// <summary>Number of channels.</summary>
    [JsonPropertyName("channel")] public int Channel { get; set; }

    /// <summary>Stride relative to the input image.</summary>
    [JsonPropertyName("stride")] public int Stride { get; set; }
}
