using MagNet.ML.Internal;
using Microsoft.ML.Data;

namespace MagNet.ML;

/// <summary>
/// Turns an image into the model's input tensor, the preprocessing of LAVT and MagNet (torchvision
/// <c>Resize((S, S))</c>, <c>ToTensor</c>, <c>Normalize(mean, std)</c> on a PIL RGB image):
/// <list type="number">
/// <item>fill-resize to <see cref="ImageSize"/> × <see cref="ImageSize"/>, ignoring the aspect ratio, with Pillow's
/// bilinear filter reproduced byte for byte (antialiased when reducing; 22-bit fixed-point weights, horizontal pass
/// then vertical pass, each rounded to bytes);</item>
/// <item>each byte v becomes <c>(v / 255 - mean[c]) / std[c]</c>, computed in single precision like torch;</item>
/// <item>planar layout <c>[3, S, S]</c>: all red values, then green, then blue; rows top to bottom.</item>
/// </list>
/// <see cref="MLImage"/> pixels are premultiplied: opaque images are used as they are; translucent pixels are
/// unpremultiplied (round(c × 255 / a)); fully transparent pixels read as black. Instances are immutable and thread-safe.
/// </summary>
public sealed class ImageTensorizer
{
    /// <summary>The default image size of MagNet and LAVT (480).</summary>
    public const int DefaultImageSize = 480;

    /// <summary>ImageNet channel means (R, G, B): 0.485, 0.456, 0.406.</summary>
    public static IReadOnlyList<float> ImageNetMean { get; } = [0.485f, 0.456f, 0.406f];

    /// <summary>ImageNet channel standard deviations (R, G, B): 0.229, 0.224, 0.225.</summary>
    public static IReadOnlyList<float> ImageNetStd { get; } = [0.229f, 0.224f, 0.225f];

    private readonly float[] _mean;
    private readonly float[] _std;

    /// <summary>Creates a tensorizer for <paramref name="imageSize"/>² inputs.</summary>
    /// <param name="imageSize">Side S of the square model input (positive).</param>
    /// <param name="mean">Per-channel means (R, G, B); <see cref="ImageNetMean"/> when null.</param>
    /// <param name="std">Per-channel standard deviations (R, G, B), non-zero; <see cref="ImageNetStd"/> when null.</param>
    public ImageTensorizer(int imageSize = DefaultImageSize, IReadOnlyList<float>? mean = null, IReadOnlyList<float>? std = null)
    {
        if (imageSize <= 0) throw new ArgumentOutOfRangeException(nameof(imageSize), $"The image size must be positive, got {imageSize}.");
        _mean = (mean ?? ImageNetMean).ToArray();
        _std = (std ?? ImageNetStd).ToArray();
        if (_mean.Length != 3) throw new ArgumentException($"Three channel means (R, G, B) are needed, got {_mean.Length}.", nameof(mean));
        if (_std.Length != 3 || _std.Any(s => s == 0 || !float.IsFinite(s)))
            throw new ArgumentException("Three finite, non-zero channel standard deviations (R, G, B) are needed.", nameof(std));
        ImageSize = imageSize;
    }

    /// <summary>Side S of the square output.</summary>
    public int ImageSize { get; }

    /// <summary>Per-channel means (R, G, B).</summary>
    public IReadOnlyList<float> Mean => _mean;

    /// <summary>Per-channel standard deviations (R, G, B).</summary>
    public IReadOnlyList<float> Std => _std;

    /// <summary>Number of floats in one output: 3 × S × S.</summary>
    public int Length => 3 * ImageSize * ImageSize;

    /// <summary>Preprocesses <paramref name="image"/> into a new array and records its original size.</summary>
    public TensorizedImage Tensorize(MLImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var pixels = new float[Length];
        Tensorize(image, pixels);
        return new TensorizedImage(pixels, image.Width, image.Height);
    }

    /// <summary>Preprocesses <paramref name="image"/> into <paramref name="destination"/> (length <see cref="Length"/>).</summary>
    public void Tensorize(MLImage image, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        TensorizeRgb(ImagePixelReader.ReadRgb(image), image.Width, image.Height, destination);
    }

    /// <summary>
    /// Preprocesses interleaved 8-bit RGB pixels (<paramref name="width"/> × <paramref name="height"/> × 3 bytes, row-major)
    /// into <paramref name="destination"/> (length <see cref="Length"/>).
    /// </summary>
    public void TensorizeRgb(ReadOnlySpan<byte> rgb, int width, int height, Span<float> destination)
    {
        if (destination.Length != Length)
            throw new ArgumentException($"The destination must hold {Length} floats (3×{ImageSize}×{ImageSize}), got {destination.Length}.", nameof(destination));
        byte[] resized = PilBilinearResampler.Resize(rgb, width, height, 3, ImageSize, ImageSize);
        int plane = ImageSize * ImageSize;
        for (int c = 0; c < 3; c++)
        {
            float mean = _mean[c], std = _std[c];
            Span<float> output = destination.Slice(c * plane, plane);
            for (int i = 0; i < plane; i++)
                output[i] = (resized[i * 3 + c] / 255f - mean) / std;
        }
    }
}
