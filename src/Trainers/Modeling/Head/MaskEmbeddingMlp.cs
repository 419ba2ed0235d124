using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MagNet.ML.Modeling;

/// <summary>
/// The multi-layer perceptron that turns decoder queries into mask embeddings (Mask2Former's <c>MLP</c>): linear
/// layers with ReLU between them, none after the last. State-dict names: <c>layers.{i}</c>.
/// </summary>
public sealed partial class MaskEmbeddingMlp : Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // PyTorch attribute names are the state-dict keys.
    private readonly ModuleList<Linear> layers;
#pragma warning restore IDE1006

    /// <summary>Creates <paramref name="layerCount"/> layers: input → hidden → … → hidden → output.</summary>
    /// <param name="inputDim">Input width.</param>
    /// <param name="hiddenDim">Width between layers.</param>
    /// <param name="outputDim">Output width.</param>
    /// <param name="layerCount">Number of linear layers (at least 1).</param>
    public MaskEmbeddingMlp(long inputDim, long hiddenDim, long outputDim, int layerCount) : base(nameof(MaskEmbeddingMlp))
    {
        if (layerCount < 1) throw new ArgumentException($"An MLP needs at least one layer; got {layerCount}.", nameof(layerCount));
        var linears = new Linear[layerCount];
        for (int i = 0; i < layerCount; i++)
            linears[i] = Linear(i == 0 ? inputDim : hiddenDim, i == layerCount - 1 ? outputDim : hiddenDim);
        layers = new ModuleList<Linear>(linears);
        RegisterComponents();
    }

    /// <summary>Applies the layers to the last axis of <paramref name="input"/>.</summary>
    /// <param name="input">[..., inputDim].</param>
    /// <returns>[..., outputDim].</returns>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input;
        for (int i = 0; i < layers.Count; i++)
        {
            x = layers[i].call(x);
            if (i < layers.Count - 1) x = functional.relu(x);
        }
        return x.MoveToOuterDisposeScope();
    }
}
