using MagNet.ML.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Modeling;

/// <summary>The truncated-normal initialiser used for the Swin weights.</summary>
[TestClass]
public sealed class TruncatedNormalTests
{
    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    public void SamplesANormalOfTheRequestedSpread()
    {
        torch.manual_seed(7);
        using var values = TruncatedNormal.Fill(torch.empty(200_000), std: 0.02);
        // N(0, 0.02²) truncated at ±2 (100 standard deviations) is the plain normal: mean 0 ± 1e-4, std 0.02 ± 1%.
        Assert.AreEqual(0.0, values.mean().item<float>(), 2e-4);
        Assert.AreEqual(0.02, values.std().item<float>(), 2e-4);
    }

    [TestMethod]
    public void StaysInsideTheBoundsAndFollowsTheTruncatedSpread()
    {
        torch.manual_seed(8);
        using var values = TruncatedNormal.Fill(torch.empty(200_000, dtype: ScalarType.Float64), std: 1, a: -1, b: 1);
        Assert.IsGreaterThanOrEqualTo(-1.0, values.min().item<double>());
        Assert.IsLessThanOrEqualTo(1.0, values.max().item<double>());
        // Variance of N(0,1) truncated to [−1, 1]: 1 − 2·φ(1)/(Φ(1) − Φ(−1)) = 1 − 2·0.2419707/0.6826895 = 0.2911225.
        Assert.AreEqual(Math.Sqrt(0.2911225), values.std().item<double>(), 3e-3);
    }
}
