using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public static partial class DeformableSampling
{
    /// <summary>
    /// Emits <see cref="Aggregate"/>: per level, the value map [B·heads, D, h, w] sampled by GridSample (bilinear, zero
    /// padding, align_corners=false) at that level's coordinates [B·heads, Lq, points, 2] (already 2·location − 1),
    /// weighted by the level's attention weights [B·heads, 1, Lq, points] and summed over points; the levels are then
    /// added. Returns [B, Lq, heads·D].
    /// </summary>
    internal static string EmitOnnx(OnnxGraphBuilder g, string value, IReadOnlyList<(long Height, long Width)> spatialShapes,
        IReadOnlyList<string> levelGrids, IReadOnlyList<string> levelWeights, long heads, long headDim, long queries)
    {
        int levels = spatialShapes.Count;
        string[] valueLevels = g.Split(value, 1, spatialShapes.Select(s => s.Height * s.Width).ToArray());
        var summed = new string[levels];
        for (int level = 0; level < levels; level++)
        {
            var (h, w) = spatialShapes[level];
            string valueMap = g.Reshape(g.Transpose(g.Reshape(valueLevels[level], 0, h * w, heads * headDim), 0, 2, 1), -1, headDim, h, w);
            string sampled = g.GridSample(valueMap, levelGrids[level], alignCorners: false);               // [B·heads, D, Lq, points]
            summed[level] = g.ReduceSum(g.Mul(sampled, levelWeights[level]), [-1], keepDims: false);       // [B·heads, D, Lq]
        }
        string output = levels == 1 ? summed[0] : g.Node("Sum", summed);
        return g.Transpose(g.Reshape(output, -1, heads * headDim, queries), 0, 2, 1);
    }
}
