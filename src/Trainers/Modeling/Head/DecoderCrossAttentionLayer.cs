using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MagNet.ML.Modeling;

/// <summary>
/// Masked cross-attention of the transformer decoder (Mask2Former's <c>CrossAttentionLayer</c>, no dropout): the
/// queries (plus their positional embedding) attend to one level of memory (keys = memory + position, values = memory).
/// Post-norm: <c>norm(q + attn)</c>; pre-norm: <c>q + attn(norm(q))</c>. State-dict names: <c>multihead_attn.*</c>, <c>norm</c>.
/// </summary>
public sealed partial class DecoderCrossAttentionLayer : Module<Tensor, Tensor, Tensor?, Tensor, Tensor, Tensor>
{
    private readonly bool preNorm;

#pragma warning disable IDE1006 // PyTorch attribute names are the state-dict keys.
    private readonly PackedMultiheadAttention multihead_attn;
    private readonly LayerNorm norm;
#pragma warning restore IDE1006

    /// <summary>Creates the layer (Xavier-uniform initialisation of every matrix, as the official layer does).</summary>
    /// <param name="modelDim">Query width.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="preNorm">Normalise before attention instead of after the residual sum.</param>
    public DecoderCrossAttentionLayer(long modelDim, long heads, bool preNorm) : base(nameof(DecoderCrossAttentionLayer))
    {
        this.preNorm = preNorm;
        multihead_attn = new PackedMultiheadAttention(modelDim, heads);
        norm = LayerNorm(modelDim);
        RegisterComponents();
        DecoderInitialization.XavierMatrices(this);
    }

    /// <summary>Runs the layer.</summary>
    /// <param name="target">[Q, N, C] queries.</param>
    /// <param name="memory">[h·w, N, C] one memory level.</param>
    /// <param name="blockedPairs">Boolean [N·heads, Q, h·w] attention mask (true = may not attend) or null.</param>
    /// <param name="memoryPosition">[h·w, N, C] position encoding of the memory.</param>
    /// <param name="queryPosition">[Q, N, C] positional embedding of the queries.</param>
    /// <returns>[Q, N, C].</returns>
    public override Tensor forward(Tensor target, Tensor memory, Tensor? blockedPairs, Tensor memoryPosition, Tensor queryPosition)
    {
        using var scope = NewDisposeScope();
        var input = preNorm ? norm.call(target) : target;
        var attended = multihead_attn.call(input + queryPosition, memory + memoryPosition, memory, blockedPairs);
        var output = preNorm ? target + attended : norm.call(target + attended);
        return output.MoveToOuterDisposeScope();
    }
}
