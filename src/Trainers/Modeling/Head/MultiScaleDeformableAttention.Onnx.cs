using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class MultiScaleDeformableAttention
{
    /// <summary>
    /// Emits the attention (see <see cref="forward"/>): value projection, sampling offsets normalised by each level's
    /// (w, h), attention weights softmaxed over levels × points, GridSample-based sampling, output projection.
    /// </summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string query, string referencePoints, string inputFlatten, IReadOnlyList<(long Height, long Width)> spatialShapes)
    {
        if (spatialShapes.Count != levels)
            throw new ArgumentException($"Expected {levels} levels, got {spatialShapes.Count} spatial shapes.", nameof(spatialShapes));
        long queries = spatialShapes.Sum(s => s.Height * s.Width);
        string value = g.Reshape(g.Linear(inputFlatten, value_proj, $"{prefix}.value_proj"), 0, -1, heads, modelDim / heads);
        string offsets = g.Reshape(g.Linear(query, sampling_offsets, $"{prefix}.sampling_offsets"), 0, -1, heads, levels, points, 2);
        string weights = g.Reshape(g.Linear(query, attention_weights, $"{prefix}.attention_weights"), 0, -1, heads, levels * points);
        weights = g.Reshape(g.Softmax(weights, -1), 0, -1, heads, levels, points);

        float[] normalizer = spatialShapes.SelectMany(s => new float[] { s.Width, s.Height }).ToArray();
        string locations = g.Add(g.Unsqueeze(referencePoints, 2, 4),
            g.Div(offsets, g.ConstantFloats($"{prefix}.normalizer", normalizer, 1, 1, 1, levels, 1, 2)));
        string output = DeformableSampling.EmitOnnx(g, value, spatialShapes, locations, weights, heads, modelDim / heads, queries, points);
        return g.Linear(output, output_proj, $"{prefix}.output_proj");
    }
}
