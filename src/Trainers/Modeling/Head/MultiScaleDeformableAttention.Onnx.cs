using MagNet.ML.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

public sealed partial class MultiScaleDeformableAttention
{
    /// <summary>
    /// The constant part of the GridSample coordinates, 2·reference − 1, laid out like the sampling offsets' output
    /// channels (heads, levels, points, xy): [1, Lq, heads·levels·points·2]. Built once per encoder and shared by its
    /// layers (<paramref name="referencePoints"/>: [1, Lq, levels, 2]).
    /// </summary>
    internal Tensor GridBase(Tensor referencePoints)
    {
        long queries = referencePoints.shape[1];
        var grid = referencePoints.mul(2.0).sub(1.0).view(1, queries, 1, levels, 1, 2);
        return grid.expand(1, queries, heads, levels, points, 2).reshape(1, queries, heads * levels * points * 2).contiguous();
    }

    /// <summary>
    /// Emits the attention (see <see cref="forward"/>). The sampling locations are computed directly as GridSample
    /// coordinates: offsets × (2 / level size) + <paramref name="gridBase"/> (see <see cref="GridBase"/>), two element-wise
    /// operations that broadcast only over leading or trailing axes. Per level, the samples are weighted by that
    /// level's attention weights and summed, then the levels are added (no stacking of all samples).
    /// </summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string query, string gridBase, string inputFlatten, IReadOnlyList<(long Height, long Width)> spatialShapes)
    {
        if (spatialShapes.Count != levels)
            throw new ArgumentException($"Expected {levels} levels, got {spatialShapes.Count} spatial shapes.", nameof(spatialShapes));
        long queries = spatialShapes.Sum(s => s.Height * s.Width), headDim = modelDim / heads;
        string value = g.Reshape(g.Linear(inputFlatten, value_proj, $"{prefix}.value_proj"), 0, -1, heads, headDim);

        // offsets / (w, h) per level, then ×2 − 1 for GridSample: one scale per output channel, one constant per query.
        string scale = g.CachedConstant($"msda-grid-scale/{heads}/{points}/{string.Join(",", spatialShapes)}", () =>
            g.ConstantFloats("msda_grid_scale", Enumerable.Range(0, (int)heads)
                .SelectMany(_ => spatialShapes.SelectMany(s => Enumerable.Repeat(new[] { 2f / s.Width, 2f / s.Height }, (int)points).SelectMany(p => p)))
                .ToArray(), heads * levels * points * 2));
        string grids = g.Add(g.Mul(g.Linear(query, sampling_offsets, $"{prefix}.sampling_offsets"), scale), gridBase);
        string[] gridLevels = g.Split(g.Reshape(grids, 0, queries, heads, levels, points * 2), 3, Enumerable.Repeat(1L, (int)levels).ToArray());

        string weights = g.Softmax(g.Reshape(g.Linear(query, attention_weights, $"{prefix}.attention_weights"), 0, queries, heads, levels * points), -1);
        weights = g.Transpose(g.Reshape(weights, 0, queries, heads, levels, points), 0, 2, 3, 1, 4);    // [B, heads, levels, Lq, points]
        string[] weightLevels = g.Split(weights, 2, Enumerable.Repeat(1L, (int)levels).ToArray());

        var levelGrids = new string[levels];
        var levelWeights = new string[levels];
        for (int level = 0; level < levels; level++)
        {
            levelGrids[level] = g.Reshape(g.Transpose(g.Reshape(gridLevels[level], 0, queries, heads, points, 2), 0, 2, 1, 3, 4), -1, queries, points, 2);
            levelWeights[level] = g.Reshape(weightLevels[level], -1, 1, queries, points);
        }
        string output = DeformableSampling.EmitOnnx(g, value, spatialShapes, levelGrids, levelWeights, heads, headDim, queries);
        return g.Linear(output, output_proj, $"{prefix}.output_proj");
    }
}
