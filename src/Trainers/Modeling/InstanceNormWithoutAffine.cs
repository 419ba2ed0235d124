using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// <c>nn.InstanceNorm1d(affine=False, track_running_stats=False)</c>: normalises each channel of a [B, C, L] tensor over
/// L with the biased variance (eps 1e-5). It has no parameters and no buffers, like the PyTorch module.
/// </summary>
public sealed partial class InstanceNormWithoutAffine : nn.Module<Tensor, Tensor>
{
    private readonly double eps;

    /// <summary>Creates the norm with the given epsilon.</summary>
    public InstanceNormWithoutAffine(double eps = 1e-5) : base(nameof(InstanceNormWithoutAffine))
    {
        this.eps = eps;
        RegisterComponents();
    }

    /// <summary>Normalises <paramref name="x"/> [B, C, L] over L.</summary>
    public override Tensor forward(Tensor x) => nn.functional.instance_norm(x, eps: eps);
}
