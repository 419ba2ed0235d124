using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>One BERT transformer layer: <c>attention</c>, <c>intermediate</c>, <c>output</c> (Hugging Face names).</summary>
public sealed partial class BertLayer : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    private readonly BertAttention attention;
    private readonly BertIntermediate intermediate;
    private readonly BertResidualOutput output;
#pragma warning restore IDE1006

    /// <summary>Creates the layer for <paramref name="config"/>.</summary>
    public BertLayer(BertConfig config) : base(nameof(BertLayer))
    {
        attention = new BertAttention(config);
        intermediate = new BertIntermediate(config);
        output = new BertResidualOutput(config, config.IntermediateSize);
        RegisterComponents();
    }

    /// <summary>Transforms <paramref name="hidden"/> [B, T, D] with the additive mask <paramref name="extendedMask"/> [B, 1, 1, T].</summary>
    public override Tensor forward(Tensor hidden, Tensor extendedMask)
    {
        using var scope = NewDisposeScope();
        var attended = attention.call(hidden, extendedMask);
        return output.call(intermediate.call(attended), attended).MoveToOuterDisposeScope();
    }
}
