using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace MagNet.ML.Modeling;

/// <summary>
/// The sampling core of multi-scale deformable attention written with <c>grid_sample</c> (the portable path of
/// Deformable DETR, <c>ms_deform_attn_core_pytorch</c>): every head samples its value map of each level bilinearly
/// (zero padding, <c>align_corners=false</c>) at the given locations and sums the samples with the attention weights.
/// </summary>
public static partial class DeformableSampling
{
    /// <summary>
    /// Samples and aggregates values.
    /// </summary>
    /// <param name="value">[N, S, heads, headDim], the levels' value maps flattened row-major and concatenated (S = Σ h·w).</param>
    /// <param name="spatialShapes">(h, w) of each level, in the order of <paramref name="value"/>.</param>
    /// <param name="samplingLocations">[N, Lq, heads, levels, points, 2], normalised (x, y) in [0, 1] (outside samples read 0).</param>
    /// <param name="attentionWeights">[N, Lq, heads, levels, points].</param>
    /// <returns>[N, Lq, heads·headDim].</returns>
    /// <remarks>
    /// When a gradient is needed (gradients enabled and an input requires one) the samples are taken with
    /// <c>grid_sample</c>; otherwise the same sum is computed as one weighted gather of the bilinear taps
    /// (<see cref="DeformableTapGather"/>), several times faster on the CPU. Both agree to float rounding.
    /// </remarks>
    public static Tensor Aggregate(Tensor value, IReadOnlyList<(long Height, long Width)> spatialShapes, Tensor samplingLocations, Tensor attentionWeights)
    {
        long levels = samplingLocations.shape[3];
        if (levels != spatialShapes.Count)
            throw new ArgumentException($"The sampling locations cover {levels} levels but {spatialShapes.Count} spatial shapes were given.", nameof(spatialShapes));
        bool needsGradient = is_grad_enabled() && (value.requires_grad || samplingLocations.requires_grad || attentionWeights.requires_grad);
        return needsGradient
            ? AggregateWithGridSample(value, spatialShapes, samplingLocations, attentionWeights)
            : DeformableTapGather.Aggregate(value, spatialShapes, samplingLocations, attentionWeights);
    }

    /// <summary>The grid_sample form of <see cref="Aggregate"/> (differentiable with respect to every input).</summary>
    internal static Tensor AggregateWithGridSample(Tensor value, IReadOnlyList<(long Height, long Width)> spatialShapes, Tensor samplingLocations, Tensor attentionWeights)
    {
        using var scope = NewDisposeScope();
        long n = value.shape[0], heads = value.shape[2], headDim = value.shape[3];
        long queries = samplingLocations.shape[1], levels = samplingLocations.shape[3], points = samplingLocations.shape[4];

        var valueLevels = value.split(spatialShapes.Select(s => s.Height * s.Width).ToArray(), 1);
        var grids = 2 * samplingLocations - 1;
        var sampled = new Tensor[levels];
        for (int level = 0; level < levels; level++)
        {
            var (h, w) = spatialShapes[level];
            // [N, h·w, heads, D] -> [N·heads, D, h, w]
            var valueMap = valueLevels[level].flatten(2).transpose(1, 2).reshape(n * heads, headDim, h, w);
            // [N, Lq, heads, points, 2] -> [N·heads, Lq, points, 2]
            var grid = grids.select(3, level).transpose(1, 2).flatten(0, 1);
            // [N·heads, D, Lq, points]
            sampled[level] = grid_sample(valueMap, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
        }

        // [N, Lq, heads, levels, points] -> [N·heads, 1, Lq, levels·points]
        var weights = attentionWeights.transpose(1, 2).reshape(n * heads, 1, queries, levels * points);
        var output = (stack(sampled, -2).flatten(-2) * weights).sum(-1).view(n, heads * headDim, queries);
        return output.transpose(1, 2).contiguous().MoveToOuterDisposeScope();
    }
}
