using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// Batch normalisation with fixed statistics, as detection and segmentation backbones fine-tune a pretrained CNN on small
/// batches: (x − running_mean) / sqrt(running_var + eps) · weight + bias per channel of a [B, C, H, W] map, the same in
/// training and evaluation. <c>weight</c> and <c>bias</c> are parameters; <c>running_mean</c> and <c>running_var</c>
/// are buffers (the pretrained network's).
/// </summary>
public sealed class FrozenBatchNorm2d : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly Tensor running_mean;
    private readonly Tensor running_var;
#pragma warning restore IDE1006

    /// <summary>Creates the norm for <paramref name="channels"/> channels (identity: mean 0, variance 1 − eps, weight 1, bias 0).</summary>
    public FrozenBatchNorm2d(long channels, double eps = 1e-5) : base(nameof(FrozenBatchNorm2d))
    {
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, "At least one channel is needed.");
        Eps = eps;
        weight = new Parameter(torch.ones(channels));
        bias = new Parameter(torch.zeros(channels));
        running_mean = torch.zeros(channels);
        running_var = torch.full(channels, 1 - eps);
        RegisterComponents();
    }

    /// <summary>The constant added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Copies pretrained values in (each a vector of the norm's channel count).</summary>
    public void Load(Tensor scale, Tensor shift, Tensor mean, Tensor variance)
    {
        using var noGrad = torch.no_grad();
        foreach (var (target, source, name) in new[] { (weight, scale, "scale"), (bias, shift, "bias"), (running_mean, mean, "mean"), (running_var, variance, "variance") })
        {
            if (!source.shape.SequenceEqual(target.shape))
                throw new ArgumentException($"The batch norm's {name} has shape [{string.Join(", ", source.shape)}]; [{string.Join(", ", target.shape)}] was expected.");
            target.copy_(source);
        }
    }

    /// <summary>Normalises <paramref name="x"/> [B, C, H, W] with the stored statistics.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var (scale, shift) = Affine();
        return (x * scale.view(1, -1, 1, 1) + shift.view(1, -1, 1, 1)).MoveToOuterDisposeScope();
    }

    /// <summary>The norm as a per-channel affine map y = x·scale + shift (both [C]).</summary>
    public (Tensor Scale, Tensor Shift) Affine()
    {
        var scale = weight * torch.rsqrt(running_var + Eps);
        return (scale, bias - running_mean * scale);
    }
}
