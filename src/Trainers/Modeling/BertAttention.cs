using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>BERT attention block: <c>self</c> (<see cref="BertSelfAttention"/>) then <c>output</c> (projection, residual, LayerNorm).</summary>
public sealed partial class BertAttention : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    private readonly BertSelfAttention @self;
    private readonly BertResidualOutput output;
#pragma warning restore IDE1006

    /// <summary>Creates the block for <paramref name="config"/>.</summary>
    public BertAttention(BertConfig config) : base(nameof(BertAttention))
    {
        @self = new BertSelfAttention(config);
        output = new BertResidualOutput(config, config.HiddenSize);
        RegisterComponents();
    }

    /// <summary>Self-attention over <paramref name="hidden"/> [B, T, D] with the additive mask [B, 1, 1, T].</summary>
    public override Tensor forward(Tensor hidden, Tensor extendedMask)
    {
        using var scope = NewDisposeScope();
        return output.call(@self.call(hidden, extendedMask), hidden).MoveToOuterDisposeScope();
    }
}
