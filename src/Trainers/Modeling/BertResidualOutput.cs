using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// BERT's projection-plus-residual sub-layer (Hugging Face <c>BertSelfOutput</c> and <c>BertOutput</c>, same shape):
/// <c>dense</c> → dropout → <c>LayerNorm</c>(· + residual).
/// </summary>
public sealed partial class BertResidualOutput : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    private readonly Linear dense;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;
#pragma warning restore IDE1006

    /// <summary>Creates the sub-layer projecting <paramref name="inputSize"/> to hidden_size.</summary>
    public BertResidualOutput(BertConfig config, int inputSize) : base(nameof(BertResidualOutput))
    {
        dense = nn.Linear(inputSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <summary>LayerNorm(dropout(dense(<paramref name="hidden"/>)) + <paramref name="residual"/>).</summary>
    public override Tensor forward(Tensor hidden, Tensor residual)
    {
        using var scope = NewDisposeScope();
        return LayerNorm.call(dropout.call(dense.call(hidden)) + residual).MoveToOuterDisposeScope();
    }
}
