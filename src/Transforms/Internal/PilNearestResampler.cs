namespace MagNet.ML.Internal;

/// <summary>
/// Nearest-neighbour resize exactly as Pillow's <c>Image.resize(size, Image.NEAREST)</c> (torchvision's
/// <c>Resize(..., NEAREST)</c> on a PIL mask, as LAVT does for targets): target pixel <c>x</c> takes source pixel
/// <c>floor(scale × 0.5 + x × scale)</c>, accumulated in double precision the way Pillow's affine scaler steps,
/// with <c>scale = in / out</c>.
/// </summary>
internal static class PilNearestResampler
{
    /// <summary>The source index of every target index (Pillow's stepping, clamped to the source).</summary>
    public static int[] SourceIndices(int inSize, int outSize)
    {
        var indices = new int[outSize];
        double scale = (double)inSize / outSize;
        double position = scale * 0.5;
        for (int x = 0; x < outSize; x++)
        {
            int i = position < 0 ? -1 : (int)position;
            // Pillow leaves out-of-range targets at 0 (fill); with scale = in/out they never occur, but clamp to be safe.
            indices[x] = Math.Clamp(i, 0, inSize - 1);
            position += scale;
        }
        return indices;
    }

    /// <summary>Resizes a single-channel byte image (row-major) into <paramref name="destination"/> as floats.</summary>
    public static void Resize(ReadOnlySpan<byte> source, int width, int height, int outWidth, int outHeight, Span<float> destination)
    {
        if (source.Length != width * height)
            throw new ArgumentException($"Expected {width * height} bytes, got {source.Length}.", nameof(source));
        if (destination.Length != outWidth * outHeight)
            throw new ArgumentException($"Expected a destination of {outWidth * outHeight} values, got {destination.Length}.", nameof(destination));
        int[] xs = SourceIndices(width, outWidth), ys = SourceIndices(height, outHeight);
        for (int y = 0; y < outHeight; y++)
        {
            int row = ys[y] * width;
            for (int x = 0; x < outWidth; x++)
                destination[y * outWidth + x] = source[row + xs[x]];
        }
    }
}
