using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MagNet.ML.Modeling;

/// <summary>
/// One post-norm layer of the deformable encoder (Mask2Former's <c>MSDeformAttnTransformerEncoderLayer</c>):
/// <c>x = norm1(x + MSDeformAttn(x + pos, ref, x))</c>, then <c>x = norm2(x + linear2(relu(linear1(x))))</c>.
/// State-dict names: <c>self_attn.*</c>, <c>norm1</c>, <c>linear1</c>, <c>linear2</c>, <c>norm2</c>.
/// </summary>
public sealed partial class DeformableEncoderLayer : Module<Tensor, Tensor, Tensor, IReadOnlyList<(long Height, long Width)>, Tensor>
{
#pragma warning disable IDE1006 // PyTorch attribute names are the state-dict keys.
    private readonly MultiScaleDeformableAttention self_attn;
    private readonly Dropout dropout1;
    private readonly LayerNorm norm1;
    private readonly Linear linear1;
    private readonly Dropout dropout2;
    private readonly Linear linear2;
    private readonly Dropout dropout3;
    private readonly LayerNorm norm2;
#pragma warning restore IDE1006

    /// <summary>Creates the layer.</summary>
    /// <param name="modelDim">Token width.</param>
    /// <param name="feedforwardDim">Hidden width of the feed-forward block.</param>
    /// <param name="dropout">Dropout after attention and in the feed-forward block (training mode only).</param>
    /// <param name="levels">Feature levels.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="points">Sampling points per head and level.</param>
    public DeformableEncoderLayer(long modelDim, long feedforwardDim, double dropout, long levels, long heads, long points)
        : base(nameof(DeformableEncoderLayer))
    {
        self_attn = new MultiScaleDeformableAttention(modelDim, levels, heads, points);
        dropout1 = Dropout(dropout);
        norm1 = LayerNorm(modelDim);
        linear1 = Linear(modelDim, feedforwardDim);
        dropout2 = Dropout(dropout);
        linear2 = Linear(feedforwardDim, modelDim);
        dropout3 = Dropout(dropout);
        norm2 = LayerNorm(modelDim);
        RegisterComponents();
    }

    /// <summary>Runs the layer.</summary>
    /// <param name="src">[N, Σ h·w, C] tokens of all levels.</param>
    /// <param name="pos">[N, Σ h·w, C] position + level embeddings.</param>
    /// <param name="referencePoints">[N, Σ h·w, levels, 2] normalised (x, y) reference points.</param>
    /// <param name="spatialShapes">(h, w) of each level.</param>
    /// <returns>[N, Σ h·w, C].</returns>
    public override Tensor forward(Tensor src, Tensor pos, Tensor referencePoints, IReadOnlyList<(long Height, long Width)> spatialShapes)
    {
        using var scope = NewDisposeScope();
        var attended = self_attn.call(src + pos, referencePoints, src, spatialShapes);
        var x = norm1.call(src + dropout1.call(attended));
        // ReLU in place on the widest activation of the pixel decoder ([N, Σ h·w, 1024]: 78 MB at 480²).
        var ffn = linear2.call(dropout2.call(functional.relu(linear1.call(x), inplace: true)));
        x = norm2.call(x + dropout3.call(ffn));
        return x.MoveToOuterDisposeScope();
    }
}
