using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public static partial class DeformableSampling
{
    /// <summary>
    /// Emits <see cref="Aggregate"/>: per level, the value map [B·heads, D, h, w] sampled by GridSample (bilinear, zero
    /// padding, align_corners=false) at 2·location − 1, the samples weighted and summed over levels × points.
    /// Returns [B, Lq, heads·D].
    /// </summary>
    internal static string EmitOnnx(OnnxGraphBuilder g, string value, IReadOnlyList<(long Height, long Width)> spatialShapes,
        string samplingLocations, string attentionWeights, long heads, long headDim, long queries, long points)
    {
        int levels = spatialShapes.Count;
        string[] valueLevels = g.Split(value, 1, spatialShapes.Select(s => s.Height * s.Width).ToArray());
        string grids = g.Sub(g.Mul(samplingLocations, g.Scalar(2f)), g.Scalar(1f));
        var sampled = new string[levels];
        for (int level = 0; level < levels; level++)
        {
            var (h, w) = spatialShapes[level];
            string valueMap = g.Reshape(g.Transpose(g.Reshape(valueLevels[level], 0, h * w, heads * headDim), 0, 2, 1), -1, headDim, h, w);
            string grid = g.Reshape(g.Transpose(g.Gather(grids, g.ScalarInt64(level), 3), 0, 2, 1, 3, 4), -1, queries, points, 2);
            sampled[level] = g.Unsqueeze(g.GridSample(valueMap, grid, alignCorners: false), 3);   // [B·heads, D, Lq, 1, points]
        }
        string weights = g.Reshape(g.Transpose(attentionWeights, 0, 2, 1, 3, 4), -1, 1, queries, levels * points);
        string stacked = g.Reshape(g.Concat(3, sampled), -1, headDim, queries, levels * points);
        string output = g.ReduceSum(g.Mul(stacked, weights), [-1], keepDims: false);                // [B·heads, D, Lq]
        return g.Transpose(g.Reshape(output, -1, heads * headDim, queries), 0, 2, 1);
    }
}
