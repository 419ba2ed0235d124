using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// BERT multi-head self-attention (<c>query</c>, <c>key</c>, <c>value</c>): scores QKᵀ/√d_head plus the additive
/// extended mask, softmax, dropout, weighted values; heads concatenated.
/// </summary>
public sealed partial class BertSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly Dropout dropout;
#pragma warning restore IDE1006
    private readonly int numHeads;
    private readonly int headSize;

    /// <summary>Creates the attention for <paramref name="config"/>.</summary>
    public BertSelfAttention(BertConfig config) : base(nameof(BertSelfAttention))
    {
        numHeads = config.NumAttentionHeads;
        headSize = config.HiddenSize / config.NumAttentionHeads;
        query = nn.Linear(config.HiddenSize, config.HiddenSize);
        key = nn.Linear(config.HiddenSize, config.HiddenSize);
        value = nn.Linear(config.HiddenSize, config.HiddenSize);
        dropout = nn.Dropout(config.AttentionProbsDropoutProb);
        RegisterComponents();
    }

    /// <summary>Attends over <paramref name="hidden"/> [B, T, D] with the additive mask <paramref name="extendedMask"/> [B, 1, 1, T].</summary>
    public override Tensor forward(Tensor hidden, Tensor extendedMask)
    {
        using var scope = NewDisposeScope();
        long b = hidden.shape[0], tokens = hidden.shape[1];
        Tensor Heads(Tensor t) => t.view(b, tokens, numHeads, headSize).permute(0, 2, 1, 3);
        var q = Heads(query.call(hidden));
        var k = Heads(key.call(hidden));
        var v = Heads(value.call(hidden));
        var scores = q.matmul(k.transpose(-1, -2)) / Math.Sqrt(headSize);
        scores = scores + extendedMask;
        var probabilities = dropout.call(scores.softmax(-1));
        var context = probabilities.matmul(v).permute(0, 2, 1, 3).contiguous().view(b, tokens, numHeads * headSize);
        return context.MoveToOuterDisposeScope();
    }
}
