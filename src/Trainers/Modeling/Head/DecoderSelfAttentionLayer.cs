using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MagNet.ML.Modeling;

/// <summary>
/// Self-attention among the decoder queries (Mask2Former's <c>SelfAttentionLayer</c>, no dropout): queries and keys
/// carry the positional embedding, values do not. Post-norm: <c>norm(q + attn)</c>; pre-norm: <c>q + attn(norm(q))</c>.
/// State-dict names: <c>self_attn.*</c>, <c>norm</c>.
/// </summary>
public sealed partial class DecoderSelfAttentionLayer : Module<Tensor, Tensor, Tensor>
{
    private readonly bool preNorm;

#pragma warning disable IDE1006 // PyTorch attribute names are the state-dict keys.
    private readonly PackedMultiheadAttention self_attn;
    private readonly LayerNorm norm;
#pragma warning restore IDE1006

    /// <summary>Creates the layer (Xavier-uniform initialisation of every matrix, as the official layer does).</summary>
    /// <param name="modelDim">Query width.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="preNorm">Normalise before attention instead of after the residual sum.</param>
    public DecoderSelfAttentionLayer(long modelDim, long heads, bool preNorm) : base(nameof(DecoderSelfAttentionLayer))
    {
        this.preNorm = preNorm;
        self_attn = new PackedMultiheadAttention(modelDim, heads);
        norm = LayerNorm(modelDim);
        RegisterComponents();
        DecoderInitialization.XavierMatrices(this);
    }

    /// <summary>Runs the layer.</summary>
    /// <param name="target">[Q, N, C] queries.</param>
    /// <param name="queryPosition">[Q, N, C] positional embedding of the queries.</param>
    /// <returns>[Q, N, C].</returns>
    public override Tensor forward(Tensor target, Tensor queryPosition)
    {
        using var scope = NewDisposeScope();
        var input = preNorm ? norm.call(target) : target;
        var withPosition = input + queryPosition;
        var attended = self_attn.call(withPosition, withPosition, input, null);
        var output = preNorm ? target + attended : norm.call(target + attended);
        return output.MoveToOuterDisposeScope();
    }
}
