using System.Text.Json.Serialization;

namespace MagNet.ML;

/// <summary>Which network runs MagNet's image side (<c>image_model.type</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ImageEncoderKind>))]
public enum ImageEncoderKind
{
    /// <summary>The multi-modal Swin of the official model (<c>"swin"</c>, the default).</summary>
    [JsonStringEnumMemberName("swin")] Swin,

    /// <summary>
    /// A ResNet with basic blocks (<c>"resnet"</c>; depths from <c>kwargs.depths</c>, ResNet-18 is 2, 2, 2, 3) whose
    /// stages of 64/128/256/512 channels take the Swin stages' place, with the same fusion (PWAM, gate, CAM) after each.
    /// It can start from the ImageNet ResNet-18 of ML.NET's <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> package.
    /// </summary>
    [JsonStringEnumMemberName("resnet")] ResNet,
}
