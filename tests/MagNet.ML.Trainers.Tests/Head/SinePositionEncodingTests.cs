using MagNet.ML.Modeling;
using TorchSharp;

namespace MagNet.ML.Tests.Head;

[TestClass]
public sealed class SinePositionEncodingTests
{
    [ClassInitialize]
    public static void SingleThread(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    public void TwoByOneMapMatchesHandWorkedValues()
    {
        // numPosFeats 4: frequencies 10000^(2*floor(k/2)/4) = 1, 1, 100, 100.
        // Rows 1..2 normalised by 2 (+1e-6) times 2π: y = π, 2π. The single column: x = 2π.
        // pos_y(y) = [sin y, cos y, sin(y/100), cos(y/100)]; channels = [pos_y ; pos_x].
        using var pos = SinePositionEncoding.Compute(height: 2, width: 1, numPosFeats: 4);
        CollectionAssert.AreEqual(new long[] { 1, 8, 2, 1 }, pos.shape);
        double[] row0 = [0, -1, 0.0314107591, 0.9995065604, 0, 1, 0.0627905195, 0.9980267284];   // y = π, x = 2π
        double[] row1 = [0, 1, 0.0627905195, 0.9980267284, 0, 1, 0.0627905195, 0.9980267284];    // y = 2π, x = 2π
        var values = pos.to_type(torch.ScalarType.Float64).data<double>().ToArray(); // [channel][row]
        for (int c = 0; c < 8; c++)
        {
            Assert.AreEqual(row0[c], values[c * 2], 1e-5, $"channel {c}, row 0");
            Assert.AreEqual(row1[c], values[c * 2 + 1], 1e-5, $"channel {c}, row 1");
        }
    }

    [TestMethod]
    public void RejectsOddFeatureCounts()
    {
        Assert.ThrowsExactly<ArgumentException>(() => SinePositionEncoding.Compute(2, 2, 3));
    }
}
