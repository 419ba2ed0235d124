using System.Text.Json.Serialization;

namespace MagNet.ML;

/// <summary>
/// The image-encoder section (<c>image_model</c>): the network <c>type</c> and the constructor keyword arguments under
/// <c>kwargs</c>.
/// </summary>
public sealed class ImageModelSection
{
    /// <summary>
    /// The image network: <see cref="ImageEncoderKind.Swin"/> (default; official) or <see cref="ImageEncoderKind.ResNet"/>
    /// (a pretrained CNN option; <c>kwargs.embed_dim</c> must then be 64 and <c>patch_size</c> 4, the ResNet's stage
    /// widths and strides, and <c>depths</c> counts its blocks per stage).
    /// </summary>
    [JsonPropertyName("type")] public ImageEncoderKind Type { get; set; } = ImageEncoderKind.Swin;

    /// <summary>The image-encoder hyper-parameters (for a ResNet only those of the fusion modules and the stage layout apply).</summary>
    [JsonPropertyName("kwargs")] public ImageModelConfig Kwargs { get; set; } = new();
}
