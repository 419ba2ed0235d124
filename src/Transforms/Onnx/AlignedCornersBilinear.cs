namespace MagNet.ML.Onnx;

/// <summary>
/// Bilinear resizing of a single-channel map with <c>align_corners=True</c>, as PyTorch's <c>interpolate</c> computes
/// it on the CPU in single precision: target index i reads source position i·(in − 1)/(out − 1) (0 when out = 1),
/// split into the lower neighbour and a weight λ, and blends (1 − λ)·lower + λ·upper, first across columns, then rows.
/// </summary>
internal static class AlignedCornersBilinear
{
    /// <summary>Resizes <paramref name="source"/> (<paramref name="height"/>×<paramref name="width"/>, row-major) into <paramref name="destination"/>.</summary>
    public static void Resize(ReadOnlySpan<float> source, int height, int width, Span<float> destination, int outHeight, int outWidth)
    {
        if (height < 1 || width < 1 || outHeight < 1 || outWidth < 1)
            throw new ArgumentOutOfRangeException(nameof(outHeight), $"Cannot resize {width}×{height} to {outWidth}×{outHeight}.");
        if (source.Length != height * width) throw new ArgumentException($"Expected {height * width} source values, got {source.Length}.", nameof(source));
        if (destination.Length != outHeight * outWidth) throw new ArgumentException($"Expected room for {outHeight * outWidth} values, got {destination.Length}.", nameof(destination));
        var (columns, columnWeights) = Neighbours(width, outWidth);
        var (rows, rowWeights) = Neighbours(height, outHeight);
        for (int y = 0; y < outHeight; y++)
        {
            int r0 = rows[y] * width, r1 = (rows[y] + (rows[y] < height - 1 ? 1 : 0)) * width;
            float ly = rowWeights[y], hy = 1f - ly;
            for (int x = 0; x < outWidth; x++)
            {
                int c0 = columns[x], c1 = c0 + (c0 < width - 1 ? 1 : 0);
                float lx = columnWeights[x], hx = 1f - lx;
                destination[y * outWidth + x] = hy * (hx * source[r0 + c0] + lx * source[r0 + c1]) + ly * (hx * source[r1 + c0] + lx * source[r1 + c1]);
            }
        }
    }

    // Lower source index and weight of the upper neighbour for every target index.
    private static (int[] Index, float[] Weight) Neighbours(int inSize, int outSize)
    {
        float scale = outSize > 1 ? (float)(inSize - 1) / (outSize - 1) : 0f;
        var index = new int[outSize];
        var weight = new float[outSize];
        for (int i = 0; i < outSize; i++)
        {
            float position = scale * i;
            int lower = Math.Min((int)position, inSize - 1);
            index[i] = lower;
            weight[i] = position - lower;
        }
        return (index, weight);
    }
}
