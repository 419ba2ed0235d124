using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// Truncated-normal initialisation as PyTorch/timm's <c>trunc_normal_</c> (inverse-CDF sampling of N(mean, std²)
/// restricted to [a, b], bounds in absolute units). Written here because TorchSharp 0.107's <c>nn.init.trunc_normal_</c>
/// fills the tensor with the constant <c>std</c>.
/// </summary>
public static class TruncatedNormal
{
    /// <summary>Fills <paramref name="tensor"/> in place and returns it.</summary>
    public static Tensor Fill(Tensor tensor, double std, double mean = 0, double a = -2, double b = 2)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!(std > 0)) throw new ArgumentOutOfRangeException(nameof(std), std, "The standard deviation must be positive.");
        if (!(a < b)) throw new ArgumentException($"The lower bound {a} must be below the upper bound {b}.", nameof(a));
        using var noGrad = torch.no_grad();
        double lower = NormalCdf((a - mean) / std), upper = NormalCdf((b - mean) / std);
        tensor.uniform_(2 * lower - 1, 2 * upper - 1);
        tensor.erfinv_();
        tensor.mul_(std * Math.Sqrt(2));
        tensor.add_(mean);
        tensor.clamp_(a, b);
        return tensor;
    }

    private static double NormalCdf(double x)
    {
        using var value = torch.tensor(x / Math.Sqrt(2), dtype: ScalarType.Float64, device: torch.CPU);
        using var erf = torch.special.erf(value);
        return (1 + erf.item<double>()) / 2;
    }
}
