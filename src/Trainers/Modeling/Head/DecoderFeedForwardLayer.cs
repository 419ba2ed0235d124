using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MagNet.ML.Modeling;

/// <summary>
/// Feed-forward block of the transformer decoder (Mask2Former's <c>FFNLayer</c>, ReLU, no dropout).
/// Post-norm: <c>norm(x + linear2(relu(linear1(x))))</c>; pre-norm: <c>x + linear2(relu(linear1(norm(x))))</c>.
/// State-dict names: <c>linear1</c>, <c>linear2</c>, <c>norm</c>.
/// </summary>
public sealed partial class DecoderFeedForwardLayer : Module<Tensor, Tensor>
{
    private readonly bool preNorm;

#pragma warning disable IDE1006 // PyTorch attribute names are the state-dict keys.
    private readonly Linear linear1;
    private readonly Linear linear2;
    private readonly LayerNorm norm;
#pragma warning restore IDE1006

    /// <summary>Creates the block (Xavier-uniform initialisation of every matrix, as the official layer does).</summary>
    /// <param name="modelDim">Query width.</param>
    /// <param name="feedforwardDim">Hidden width.</param>
    /// <param name="preNorm">Normalise before the block instead of after the residual sum.</param>
    public DecoderFeedForwardLayer(long modelDim, long feedforwardDim, bool preNorm) : base(nameof(DecoderFeedForwardLayer))
    {
        this.preNorm = preNorm;
        linear1 = Linear(modelDim, feedforwardDim);
        linear2 = Linear(feedforwardDim, modelDim);
        norm = LayerNorm(modelDim);
        RegisterComponents();
        DecoderInitialization.XavierMatrices(this);
    }

    /// <summary>Runs the block on [Q, N, C] queries.</summary>
    /// <param name="target">[Q, N, C].</param>
    /// <returns>[Q, N, C].</returns>
    public override Tensor forward(Tensor target)
    {
        using var scope = NewDisposeScope();
        var input = preNorm ? norm.call(target) : target;
        var hidden = linear2.call(functional.relu(linear1.call(input)));
        var output = preNorm ? target + hidden : norm.call(target + hidden);
        return output.MoveToOuterDisposeScope();
    }
}
