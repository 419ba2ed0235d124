using MagNet.ML.Internal;
using Microsoft.ML.Data;

namespace MagNet.ML;

/// <summary>
/// Turns a ground-truth mask into the training target: nearest-neighbour resize to <see cref="ImageSize"/> ×
/// <see cref="ImageSize"/> (aspect ratio ignored) exactly as Pillow's <c>NEAREST</c> resize (LAVT resizes targets that
/// way), row-major floats 0 (background) or 1 (foreground). Instances are immutable and thread-safe.
/// </summary>
public sealed class MaskTensorizer
{
    /// <summary>Creates a tensorizer for <paramref name="imageSize"/>² targets.</summary>
    /// <param name="imageSize">Side S of the square output (positive); the image tensorizer's size.</param>
    public MaskTensorizer(int imageSize = ImageTensorizer.DefaultImageSize)
    {
        if (imageSize <= 0) throw new ArgumentOutOfRangeException(nameof(imageSize), $"The image size must be positive, got {imageSize}.");
        ImageSize = imageSize;
    }

    /// <summary>Side S of the square output.</summary>
    public int ImageSize { get; }

    /// <summary>Number of floats in one output: S × S.</summary>
    public int Length => ImageSize * ImageSize;

    /// <summary>Resizes <paramref name="mask"/> into a new array.</summary>
    public float[] Tensorize(BinaryMask mask)
    {
        var output = new float[Length];
        Tensorize(mask, output);
        return output;
    }

    /// <summary>Resizes <paramref name="mask"/> into <paramref name="destination"/> (length <see cref="Length"/>).</summary>
    public void Tensorize(BinaryMask mask, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (destination.Length != Length)
            throw new ArgumentException($"The destination must hold {Length} floats ({ImageSize}×{ImageSize}), got {destination.Length}.", nameof(destination));
        PilNearestResampler.Resize(mask.Data, mask.Width, mask.Height, ImageSize, ImageSize, destination);
    }

    /// <summary>
    /// Resizes a mask image into a new array. A pixel is foreground when any of its red, green or blue values is
    /// non-zero (MLImage colours are premultiplied, so fully transparent pixels are background).
    /// </summary>
    public float[] Tensorize(MLImage mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        return Tensorize(BinaryMask.FromMLImage(mask));
    }

    /// <summary>As <see cref="Tensorize(MLImage)"/>, into <paramref name="destination"/> (length <see cref="Length"/>).</summary>
    public void Tensorize(MLImage mask, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(mask);
        Tensorize(BinaryMask.FromMLImage(mask), destination);
    }
}
