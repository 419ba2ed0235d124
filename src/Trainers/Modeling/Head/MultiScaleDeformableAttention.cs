using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MagNet.ML.Modeling;

/// <summary>
/// Multi-scale deformable attention (Deformable DETR's <c>MSDeformAttn</c>): each query predicts, per head, level and
/// point, a sampling offset around its reference point and an attention weight (softmax over levels × points); the
/// values are sampled with <see cref="DeformableSampling"/>. State-dict names: <c>sampling_offsets</c>,
/// <c>attention_weights</c>, <c>value_proj</c>, <c>output_proj</c>.
/// </summary>
public sealed partial class MultiScaleDeformableAttention : Module<Tensor, Tensor, Tensor, IReadOnlyList<(long Height, long Width)>, Tensor>
{
    private readonly long modelDim, heads, levels, points;

#pragma warning disable IDE1006 // PyTorch attribute names are the state-dict keys.
    private readonly Linear sampling_offsets;
    private readonly Linear attention_weights;
    private readonly Linear value_proj;
    private readonly Linear output_proj;
#pragma warning restore IDE1006

    /// <summary>Creates the module with the official initialisation (radial offset grid, zero attention logits).</summary>
    /// <param name="modelDim">Query and value width.</param>
    /// <param name="levels">Feature levels sampled.</param>
    /// <param name="heads">Attention heads (must divide <paramref name="modelDim"/>).</param>
    /// <param name="points">Sampling points per head and level.</param>
    public MultiScaleDeformableAttention(long modelDim, long levels, long heads, long points) : base(nameof(MultiScaleDeformableAttention))
    {
        if (modelDim % heads != 0)
            throw new ArgumentException($"The model width ({modelDim}) must be divisible by the number of heads ({heads}).", nameof(heads));
        this.modelDim = modelDim;
        this.heads = heads;
        this.levels = levels;
        this.points = points;
        sampling_offsets = Linear(modelDim, heads * levels * points * 2);
        attention_weights = Linear(modelDim, heads * levels * points);
        value_proj = Linear(modelDim, modelDim);
        output_proj = Linear(modelDim, modelDim);
        RegisterComponents();
        ResetParameters();
    }

    /// <summary>
    /// The official initialisation: zero offset weights with a bias that places point p of head h at distance p+1
    /// along the direction 2πh/heads (scaled so the larger coordinate is ±(p+1)); zero attention logits; Xavier value
    /// and output projections with zero biases.
    /// </summary>
    public void ResetParameters()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        init.constant_(sampling_offsets.weight!, 0);
        // Computed on the CPU (also when the module is built on the meta device), then copied to the bias's device.
        var thetas = arange(heads, ScalarType.Float32, device: CPU) * (float)(2.0 * Math.PI / heads);
        var grid = stack(new[] { thetas.cos(), thetas.sin() }, -1);
        grid = (grid / grid.abs().max(-1, keepdim: true).values).view(heads, 1, 1, 2).repeat(1, levels, points, 1);
        var pointScale = arange(1, points + 1, ScalarType.Float32, device: CPU).view(1, 1, points, 1);
        sampling_offsets.bias!.copy_((grid * pointScale).view(-1));
        init.constant_(attention_weights.weight!, 0);
        init.constant_(attention_weights.bias!, 0);
        init.xavier_uniform_(value_proj.weight!);
        init.constant_(value_proj.bias!, 0);
        init.xavier_uniform_(output_proj.weight!);
        init.constant_(output_proj.bias!, 0);
    }

    /// <summary>Attends from every query to the multi-scale value maps.</summary>
    /// <param name="query">[N, Lq, C] queries (with position encoding added).</param>
    /// <param name="referencePoints">[N, Lq, levels, 2] normalised (x, y) reference points.</param>
    /// <param name="inputFlatten">[N, Σ h·w, C] the levels' features, flattened and concatenated.</param>
    /// <param name="spatialShapes">(h, w) of each level.</param>
    /// <returns>[N, Lq, C].</returns>
    public override Tensor forward(Tensor query, Tensor referencePoints, Tensor inputFlatten, IReadOnlyList<(long Height, long Width)> spatialShapes)
    {
        using var scope = NewDisposeScope();
        long n = query.shape[0], lq = query.shape[1], lin = inputFlatten.shape[1];
        if (spatialShapes.Count != levels)
            throw new ArgumentException($"Expected {levels} levels, got {spatialShapes.Count} spatial shapes.", nameof(spatialShapes));
        if (spatialShapes.Sum(s => s.Height * s.Width) != lin)
            throw new ArgumentException($"The spatial shapes cover {spatialShapes.Sum(s => s.Height * s.Width)} positions but the input has {lin}.", nameof(spatialShapes));

        var value = value_proj.call(inputFlatten).view(n, lin, heads, modelDim / heads);
        var offsets = sampling_offsets.call(query).view(n, lq, heads, levels, points, 2);
        var weights = attention_weights.call(query).view(n, lq, heads, levels * points);
        weights = functional.softmax(weights, -1).view(n, lq, heads, levels, points);

        // Offsets are in pixels of each level: divide by (w, h). Both broadcast operands are laid out so that only
        // leading axes broadcast (a trailing broadcast over the x/y pair runs element-pair by element-pair, ~10× slower):
        // the normaliser as [heads, levels, points, 2], the reference points tiled over the points.
        var normalizer = tensor(spatialShapes.SelectMany(s => new float[] { s.Width, s.Height }).ToArray(), new long[] { levels, 2 }, ScalarType.Float32, query.device)
            .view(1, levels, 1, 2).expand(heads, levels, points, 2).contiguous();
        var references = referencePoints.unsqueeze(2).unsqueeze(4).expand(n, lq, 1, levels, points, 2).contiguous();
        var locations = (offsets / normalizer).add_(references);

        var output = DeformableSampling.Aggregate(value, spatialShapes, locations, weights);
        return output_proj.call(output).MoveToOuterDisposeScope();
    }
}
