using System.Text.Json.Serialization;

namespace MagNet.ML;

/// <summary>The image-encoder section (<c>image_model</c>): the constructor keyword arguments under <c>kwargs</c>.</summary>
public sealed class ImageModelSection
{
    /// <summary>The multi-modal Swin hyper-parameters.</summary>
    [JsonPropertyName("kwargs")] public ImageModelConfig Kwargs { get; set; } = new();
}
