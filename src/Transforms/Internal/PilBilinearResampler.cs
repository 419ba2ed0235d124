namespace MagNet.ML.Internal;

/// <summary>
/// Resizes 8-bit interleaved images exactly as Pillow's <c>Image.resize(size, Image.BILINEAR)</c> does (what
/// torchvision's <c>Resize</c> runs on a PIL image, as LAVT and MagNet do), so the output bytes are identical:
/// <list type="bullet">
/// <item>a triangle filter over source pixels whose centres lie within <c>support = max(1, scale)</c> of the target
/// pixel's centre mapped to the source (<c>(x + 0.5) × scale</c>), i.e. plain bilinear when enlarging and an
/// antialiasing area-like filter when reducing; weights are renormalised at the borders;</item>
/// <item>weights in 22-bit fixed point, a horizontal pass first, its result rounded to bytes, then a vertical pass;
/// a pass is skipped when that dimension does not change.</item>
/// </list>
/// </summary>
internal static class PilBilinearResampler
{
    private const int PrecisionBits = 32 - 8 - 2;

    /// <summary>Resizes <paramref name="source"/> (<paramref name="width"/> × <paramref name="height"/> × <paramref name="channels"/> bytes).</summary>
    public static byte[] Resize(ReadOnlySpan<byte> source, int width, int height, int channels, int outWidth, int outHeight)
    {
        if (width <= 0 || height <= 0 || outWidth <= 0 || outHeight <= 0 || channels <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"Cannot resize {width}×{height}×{channels} to {outWidth}×{outHeight}.");
        if (source.Length != width * height * channels)
            throw new ArgumentException($"Expected {width * height * channels} bytes, got {source.Length}.", nameof(source));

        byte[] current = source.ToArray();
        if (outWidth != width)
        {
            current = ResizeHorizontal(current, width, height, channels, outWidth);
            width = outWidth;
        }
        if (outHeight != height)
            current = ResizeVertical(current, width, height, channels, outHeight);
        return current;
    }

    private static byte[] ResizeHorizontal(byte[] source, int width, int height, int channels, int outWidth)
    {
        var (bounds, weights, kernelSize) = Coefficients(width, outWidth);
        var output = new byte[outWidth * height * channels];
        for (int y = 0; y < height; y++)
        {
            int rowIn = y * width * channels, rowOut = y * outWidth * channels;
            for (int xx = 0; xx < outWidth; xx++)
            {
                int first = bounds[2 * xx], count = bounds[2 * xx + 1], k = xx * kernelSize;
                for (int c = 0; c < channels; c++)
                {
                    int sum = 1 << (PrecisionBits - 1);
                    for (int i = 0; i < count; i++)
                        sum += source[rowIn + (first + i) * channels + c] * weights[k + i];
                    output[rowOut + xx * channels + c] = Clip8(sum);
                }
            }
        }
        return output;
    }

    private static byte[] ResizeVertical(byte[] source, int width, int height, int channels, int outHeight)
    {
        var (bounds, weights, kernelSize) = Coefficients(height, outHeight);
        int rowLength = width * channels;
        var output = new byte[rowLength * outHeight];
        for (int yy = 0; yy < outHeight; yy++)
        {
            int first = bounds[2 * yy], count = bounds[2 * yy + 1], k = yy * kernelSize;
            for (int i = 0; i < rowLength; i++)
            {
                int sum = 1 << (PrecisionBits - 1);
                for (int j = 0; j < count; j++)
                    sum += source[(first + j) * rowLength + i] * weights[k + j];
                output[yy * rowLength + i] = Clip8(sum);
            }
        }
        return output;
    }

    /// <summary>
    /// For each output index: the first source index and the number of source pixels used, and their fixed-point
    /// weights (Pillow's <c>precompute_coeffs</c> followed by <c>normalize_coeffs_8bpc</c>).
    /// </summary>
    internal static (int[] Bounds, int[] Weights, int KernelSize) Coefficients(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(1.0, scale);
        double support = 1.0 * filterScale; // the bilinear (triangle) filter has support 1
        int kernelSize = (int)Math.Ceiling(support) * 2 + 1;
        var bounds = new int[outSize * 2];
        var weights = new int[outSize * kernelSize];
        var w = new double[kernelSize];
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = (xx + 0.5) * scale;
            double invScale = 1.0 / filterScale;
            // (int) truncates toward zero, as the C cast does; then clamp to the image.
            int xmin = Math.Max(0, (int)(center - support + 0.5));
            int xmax = Math.Min(inSize, (int)(center + support + 0.5)) - xmin;
            double total = 0;
            for (int x = 0; x < xmax; x++)
            {
                w[x] = Triangle((x + xmin - center + 0.5) * invScale);
                total += w[x];
            }
            for (int x = 0; x < xmax; x++)
            {
                double normalized = total != 0 ? w[x] / total : w[x];
                weights[xx * kernelSize + x] = normalized < 0
                    ? (int)(-0.5 + normalized * (1 << PrecisionBits))
                    : (int)(0.5 + normalized * (1 << PrecisionBits));
            }
            bounds[2 * xx] = xmin;
            bounds[2 * xx + 1] = xmax;
        }
        return (bounds, weights, kernelSize);
    }

    private static double Triangle(double x)
    {
        if (x < 0) x = -x;
        return x < 1 ? 1 - x : 0;
    }

    private static byte Clip8(int value)
    {
        int v = value >> PrecisionBits;
        return v < 0 ? (byte)0 : v > 255 ? (byte)255 : (byte)v;
    }
}
