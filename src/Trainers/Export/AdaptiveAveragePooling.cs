namespace MagNet.ML.Export;

/// <summary>
/// Adaptive average pooling written as constant matrices, for graphs whose input sizes are not multiples of the
/// bins (ONNX has no adaptive pooling). Bin i of <c>outSize</c> averages the inputs
/// [⌊i·in/out⌋, ⌈(i+1)·in/out⌉), as PyTorch's <c>adaptive_avg_pool2d</c>; a 2-D pool is separable:
/// <c>P_h · X · P_wᵀ</c>.
/// </summary>
internal static class AdaptiveAveragePooling
{
    /// <summary>The [outSize, inSize] row-major matrix whose row i holds 1/count over bin i's inputs.</summary>
    public static float[] Matrix(long inSize, long outSize)
    {
        if (inSize < 1 || outSize < 1) throw new ArgumentOutOfRangeException(nameof(outSize), $"Cannot pool {inSize} values into {outSize} bins.");
        var matrix = new float[outSize * inSize];
        for (long i = 0; i < outSize; i++)
        {
            long start = i * inSize / outSize;
            long end = ((i + 1) * inSize + outSize - 1) / outSize;
            float weight = 1f / (end - start);
            for (long j = start; j < end; j++) matrix[i * inSize + j] = weight;
        }
        return matrix;
    }

    /// <summary>The transpose of <see cref="Matrix"/>: [inSize, outSize].</summary>
    public static float[] TransposedMatrix(long inSize, long outSize)
    {
        var matrix = Matrix(inSize, outSize);
        var transposed = new float[matrix.Length];
        for (long i = 0; i < outSize; i++)
            for (long j = 0; j < inSize; j++)
                transposed[j * outSize + i] = matrix[i * inSize + j];
        return transposed;
    }
}
