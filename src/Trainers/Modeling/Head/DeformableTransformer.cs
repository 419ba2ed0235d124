using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// The deformable transformer of the pixel decoder (Mask2Former's <c>MSDeformAttnTransformerEncoderOnly</c>,
/// state-dict names <c>level_embed</c> and <c>encoder.*</c>): flattens the projected levels, adds a learnable level
/// embedding to each level's position encoding, and runs the <see cref="DeformableEncoder"/>.
/// </summary>
public sealed partial class DeformableTransformer : nn.Module<IReadOnlyList<Tensor>, IReadOnlyList<Tensor>, Tensor>
{
#pragma warning disable IDE1006 // PyTorch attribute names are the state-dict keys.
    private readonly Parameter level_embed;
    private readonly DeformableEncoder encoder;
#pragma warning restore IDE1006

    /// <summary>Creates the transformer.</summary>
    /// <param name="modelDim">Token width.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="encoderLayers">Encoder layers.</param>
    /// <param name="feedforwardDim">Hidden width of the encoder feed-forward blocks.</param>
    /// <param name="dropout">Dropout (training mode only).</param>
    /// <param name="levels">Feature levels.</param>
    /// <param name="points">Sampling points per head and level.</param>
    public DeformableTransformer(long modelDim, long heads, int encoderLayers, long feedforwardDim, double dropout, long levels, long points)
        : base(nameof(DeformableTransformer))
    {
        level_embed = new Parameter(empty(levels, modelDim));
        encoder = new DeformableEncoder(encoderLayers, modelDim, feedforwardDim, dropout, levels, heads, points);
        RegisterComponents();
        using var noGrad = no_grad();
        foreach (var (_, p) in encoder.named_parameters())
            if (p.dim() > 1) nn.init.xavier_uniform_(p);
        foreach (var attention in encoder.modules().OfType<MultiScaleDeformableAttention>())
            attention.ResetParameters();
        nn.init.normal_(level_embed);
    }

    /// <summary>Encodes the levels.</summary>
    /// <param name="sources">Per level [N, C, h, w], coarsest first.</param>
    /// <param name="positions">Per level [1 or N, C, h, w] position encodings.</param>
    /// <returns>[N, Σ h·w, C], the encoder memory, levels concatenated in the input order.</returns>
    public override Tensor forward(IReadOnlyList<Tensor> sources, IReadOnlyList<Tensor> positions)
    {
        if (sources.Count != level_embed.shape[0] || positions.Count != sources.Count)
            throw new ArgumentException($"Expected {level_embed.shape[0]} levels of sources and positions, got {sources.Count} and {positions.Count}.");
        using var scope = NewDisposeScope();
        var shapes = new (long Height, long Width)[sources.Count];
        var flatSources = new Tensor[sources.Count];
        var flatPositions = new Tensor[sources.Count];
        for (int level = 0; level < sources.Count; level++)
        {
            shapes[level] = (sources[level].shape[2], sources[level].shape[3]);
            flatSources[level] = sources[level].flatten(2).transpose(1, 2);
            flatPositions[level] = positions[level].flatten(2).transpose(1, 2) + level_embed[level].view(1, 1, -1);
        }
        var src = cat(flatSources, 1);
        var pos = cat(flatPositions, 1);

        var spatialShapes = tensor(shapes.SelectMany(s => new[] { s.Height, s.Width }).ToArray(), new long[] { shapes.Length, 2 });
        var levelStart = new long[shapes.Length];
        for (int level = 1; level < shapes.Length; level++)
            levelStart[level] = levelStart[level - 1] + shapes[level - 1].Height * shapes[level - 1].Width;
        TensorRecorder.Record("pixdec.spatial_shapes", spatialShapes);
        TensorRecorder.Record("pixdec.level_start_index", tensor(levelStart));

        return encoder.call(src, pos, shapes).MoveToOuterDisposeScope();
    }
}
