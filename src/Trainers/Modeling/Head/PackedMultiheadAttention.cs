using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MagNet.ML.Modeling;

/// <summary>
/// Sequence-first multi-head attention with PyTorch <c>nn.MultiheadAttention</c>'s parameters and state-dict names:
/// a packed <c>in_proj_weight</c> [3E, E] / <c>in_proj_bias</c> [3E] (query, key, value rows in that order) and
/// <c>out_proj</c>. Scores are <c>(q/√d)·kᵀ</c>; a boolean mask marks with <c>true</c> the pairs that may not attend.
/// </summary>
public sealed partial class PackedMultiheadAttention : Module<Tensor, Tensor, Tensor, Tensor?, Tensor>
{
    private readonly long embedDim, heads;

#pragma warning disable IDE1006 // PyTorch attribute names are the state-dict keys.
    private readonly Parameter in_proj_weight;
    private readonly Parameter in_proj_bias;
    private readonly Linear out_proj;
#pragma warning restore IDE1006

    /// <summary>Creates the attention with PyTorch's initialisation (Xavier-uniform packed projection, zero biases).</summary>
    /// <param name="embedDim">Model width E.</param>
    /// <param name="heads">Heads (must divide <paramref name="embedDim"/>).</param>
    public PackedMultiheadAttention(long embedDim, long heads) : base(nameof(PackedMultiheadAttention))
    {
        if (embedDim % heads != 0)
            throw new ArgumentException($"The width ({embedDim}) must be divisible by the number of heads ({heads}).", nameof(heads));
        this.embedDim = embedDim;
        this.heads = heads;
        in_proj_weight = new Parameter(empty(3 * embedDim, embedDim));
        in_proj_bias = new Parameter(zeros(3 * embedDim));
        out_proj = Linear(embedDim, embedDim);
        RegisterComponents();
        using var noGrad = no_grad();
        init.xavier_uniform_(in_proj_weight);
        init.constant_(out_proj.bias!, 0);
    }

    /// <summary>Attends.</summary>
    /// <param name="query">[L, N, E].</param>
    /// <param name="key">[S, N, E].</param>
    /// <param name="value">[S, N, E].</param>
    /// <param name="blockedPairs">Optional boolean [N·heads, L, S] (or [L, S]); true = may not attend.</param>
    /// <returns>[L, N, E].</returns>
    public override Tensor forward(Tensor query, Tensor key, Tensor value, Tensor? blockedPairs)
    {
        using var scope = NewDisposeScope();
        long targetLength = query.shape[0], batch = query.shape[1], sourceLength = key.shape[0];
        long headDim = embedDim / heads;
        var weights = in_proj_weight.chunk(3, 0);
        var biases = in_proj_bias.chunk(3, 0);
        var q = functional.linear(query, weights[0], biases[0]);
        var k = functional.linear(key, weights[1], biases[1]);
        var v = functional.linear(value, weights[2], biases[2]);

        // [L, N, E] -> [N·heads, L, headDim]
        q = q.contiguous().view(targetLength, batch * heads, headDim).transpose(0, 1);
        k = k.contiguous().view(sourceLength, batch * heads, headDim).transpose(0, 1);
        v = v.contiguous().view(sourceLength, batch * heads, headDim).transpose(0, 1);

        var scores = bmm(q / Math.Sqrt(headDim), k.transpose(-2, -1));
        if (blockedPairs is not null)
            scores = scores.masked_fill(blockedPairs, double.NegativeInfinity);
        var attention = functional.softmax(scores, -1);
        var output = bmm(attention, v).transpose(0, 1).contiguous().view(targetLength * batch, embedDim);
        return out_proj.call(output).view(targetLength, batch, embedDim).MoveToOuterDisposeScope();
    }
}
