using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// Channels-first LayerNorm over dimension 1 of a [B, C, H, W] map (the CAM pyramids' norm):
/// (x − mean_C) / sqrt(var_C + eps), then a per-channel weight and bias. Parameters <c>weight</c> and <c>bias</c>.
/// </summary>
public sealed partial class LayerNorm2d : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    private readonly Parameter weight;
    private readonly Parameter bias;
#pragma warning restore IDE1006
    private readonly double eps;

    /// <summary>Creates the norm for <paramref name="channels"/> channels (weight 1, bias 0).</summary>
    public LayerNorm2d(long channels, double eps = 1e-6) : base(nameof(LayerNorm2d))
    {
        weight = new Parameter(torch.ones(channels));
        bias = new Parameter(torch.zeros(channels));
        this.eps = eps;
        RegisterComponents();
    }

    /// <summary>Normalises <paramref name="x"/> [B, C, H, W] over C.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var mean = x.mean([1L], keepdim: true);
        var centered = x - mean;
        var variance = centered.pow(2).mean([1L], keepdim: true);
        var normalised = centered / torch.sqrt(variance + eps);
        var result = weight.view(-1, 1, 1) * normalised + bias.view(-1, 1, 1);
        return result.MoveToOuterDisposeScope();
    }
}
