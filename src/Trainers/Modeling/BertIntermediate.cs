using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>BERT feed-forward expansion: <c>dense</c> (D → intermediate_size) then the activation (exact GELU or ReLU).</summary>
public sealed partial class BertIntermediate : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    private readonly Linear dense;
#pragma warning restore IDE1006
    private readonly bool relu;

    /// <summary>Creates the expansion for <paramref name="config"/>.</summary>
    public BertIntermediate(BertConfig config) : base(nameof(BertIntermediate))
    {
        dense = nn.Linear(config.HiddenSize, config.IntermediateSize);
        relu = config.HiddenAct == "relu";
        RegisterComponents();
    }

    /// <summary>act(dense(<paramref name="hidden"/>)).</summary>
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var h = dense.call(hidden);
        return (relu ? nn.functional.relu(h) : nn.functional.gelu(h)).MoveToOuterDisposeScope();
    }
}
