using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// The stack of deformable encoder layers (Mask2Former's <c>MSDeformAttnTransformerEncoder</c>, state-dict name
/// <c>layers.{j}.*</c>). Every token's reference point is the centre of its own cell, ((j+0.5)/w, (i+0.5)/h), used
/// for every level (no padding, so all valid ratios are 1).
/// </summary>
public sealed partial class DeformableEncoder : nn.Module<Tensor, Tensor, IReadOnlyList<(long Height, long Width)>, Tensor>
{
#pragma warning disable IDE1006 // PyTorch attribute names are the state-dict keys.
    private readonly ModuleList<DeformableEncoderLayer> layers;
#pragma warning restore IDE1006

    /// <summary>Creates <paramref name="layerCount"/> encoder layers.</summary>
    /// <param name="layerCount">Number of layers.</param>
    /// <param name="modelDim">Token width.</param>
    /// <param name="feedforwardDim">Hidden width of each feed-forward block.</param>
    /// <param name="dropout">Dropout (training mode only).</param>
    /// <param name="levels">Feature levels.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="points">Sampling points per head and level.</param>
    public DeformableEncoder(int layerCount, long modelDim, long feedforwardDim, double dropout, long levels, long heads, long points)
        : base(nameof(DeformableEncoder))
    {
        layers = new ModuleList<DeformableEncoderLayer>(
            Enumerable.Range(0, layerCount).Select(_ => new DeformableEncoderLayer(modelDim, feedforwardDim, dropout, levels, heads, points)).ToArray());
        RegisterComponents();
    }

    /// <summary>
    /// Reference points of all tokens: [batch, Σ h·w, levels, 2], (x, y) = ((j+0.5)/w, (i+0.5)/h) of each token's own
    /// level, repeated for every level.
    /// </summary>
    /// <param name="spatialShapes">(h, w) of each level.</param>
    /// <param name="batch">Batch size.</param>
    /// <param name="device">Device of the result.</param>
    public static Tensor ReferencePoints(IReadOnlyList<(long Height, long Width)> spatialShapes, long batch, Device? device = null)
    {
        using var scope = NewDisposeScope();
        var perLevel = new List<Tensor>();
        foreach (var (h, w) in spatialShapes)
        {
            var rows = linspace(0.5, h - 0.5, h, ScalarType.Float32, device);
            var cols = linspace(0.5, w - 0.5, w, ScalarType.Float32, device);
            var grid = meshgrid(new[] { rows, cols }, indexing: "ij");
            var refY = grid[0].reshape(-1) / h;
            var refX = grid[1].reshape(-1) / w;
            perLevel.Add(stack(new[] { refX, refY }, -1));
        }
        var points = cat(perLevel, 0);
        return points.view(1, -1, 1, 2).expand(batch, -1, spatialShapes.Count, 2).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Runs all layers.</summary>
    /// <param name="src">[N, Σ h·w, C] tokens of all levels.</param>
    /// <param name="pos">[N or 1, Σ h·w, C] position + level embeddings.</param>
    /// <param name="spatialShapes">(h, w) of each level.</param>
    /// <returns>[N, Σ h·w, C], the encoder memory.</returns>
    public override Tensor forward(Tensor src, Tensor pos, IReadOnlyList<(long Height, long Width)> spatialShapes)
    {
        using var scope = NewDisposeScope();
        var referencePoints = ReferencePoints(spatialShapes, src.shape[0], src.device);
        TensorRecorder.Record("pixdec.reference_points", referencePoints);
        var output = src;
        for (int j = 0; j < layers.Count; j++)
        {
            output = layers[j].call(output, pos, referencePoints, spatialShapes);
            if (j < layers.Count - 1) TensorRecorder.Record($"pixdec.enc_layer{j}", output);
        }
        return output.MoveToOuterDisposeScope();
    }
}
