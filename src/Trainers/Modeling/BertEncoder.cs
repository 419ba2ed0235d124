using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>The BERT layer stack (<c>layer.{k}</c>); MagNet runs it in groups between the image stages.</summary>
public sealed class BertEncoder : nn.Module
{
#pragma warning disable IDE1006 // state-dict names
    private readonly ModuleList<BertLayer> layer;
#pragma warning restore IDE1006

    /// <summary>Creates num_hidden_layers layers for <paramref name="config"/>.</summary>
    public BertEncoder(BertConfig config) : base(nameof(BertEncoder))
    {
        layer = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new BertLayer(config)).ToArray());
        RegisterComponents();
    }

    /// <summary>Number of layers.</summary>
    public int Count => layer.Count;

    /// <summary>Layer <paramref name="index"/> (0-based).</summary>
    public BertLayer this[int index] => layer[index];
}
