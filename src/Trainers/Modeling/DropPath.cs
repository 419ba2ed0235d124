using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// Stochastic depth: in training mode zeroes the whole residual branch of a sample with probability p and scales the
/// kept ones by 1/(1−p); in evaluation mode (or with p = 0) it is the identity.
/// </summary>
public sealed class DropPath : nn.Module<Tensor, Tensor>
{
    private readonly double probability;

    /// <summary>Creates the module with drop probability <paramref name="probability"/> in [0, 1).</summary>
    public DropPath(double probability) : base(nameof(DropPath))
    {
        if (probability < 0 || probability >= 1) throw new ArgumentOutOfRangeException(nameof(probability), probability, "Drop probability must be in [0, 1).");
        this.probability = probability;
        RegisterComponents();
    }

    /// <summary>The drop probability.</summary>
    public double Probability => probability;

    /// <summary>Returns <paramref name="x"/> itself in evaluation mode, else the randomly dropped and rescaled branch.</summary>
    public override Tensor forward(Tensor x)
    {
        if (!training || probability == 0) return x;
        using var scope = NewDisposeScope();
        double keep = 1 - probability;
        var shape = new long[x.dim()];
        Array.Fill(shape, 1L);
        shape[0] = x.shape[0];
        var mask = torch.rand(shape, dtype: x.dtype, device: x.device).add_(keep).floor_();
        return x.div(keep).mul(mask).MoveToOuterDisposeScope();
    }
}
