using MagNet.ML.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Modeling;

/// <summary>Swin window helpers against hand-worked examples.</summary>
[TestClass]
public sealed class SwinWindowsTests
{
    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    public void RelativePositionIndexOfA2x2Window()
    {
        // Positions (0,0),(0,1),(1,0),(1,1); index = (dh + 1)·3 + (dw + 1) with dh = h1 − h2, dw = w1 − w2.
        long[] expected =
        [
            4, 3, 1, 0,
            5, 4, 2, 1,
            7, 6, 4, 3,
            8, 7, 5, 4,
        ];
        using var index = WindowAttention.RelativePositionIndex(2);
        CollectionAssert.AreEqual(new long[] { 4, 4 }, index.shape);
        CollectionAssert.AreEqual(expected, index.data<long>().ToArray());
    }

    [TestMethod]
    public void ShiftedWindowMaskOfA4x4MapWithWindow2Shift1()
    {
        // Per axis the regions are [0,2) → 0, [2,3) → 1, [3,4) → 2. Window 0 (rows 0-1, cols 0-1) lies in one region;
        // window 1 (rows 0-1, cols 2-3) has columns 2 | 3 in different regions; window 2 likewise for rows; window 3
        // has four regions.
        using var mask = SwinWindows.ShiftedWindowMask(4, 4, 2, 1);
        CollectionAssert.AreEqual(new long[] { 4, 4, 4 }, mask.shape);
        const float M = -100;
        float[] expected =
        [
            0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,
            0, M, 0, M,  M, 0, M, 0,  0, M, 0, M,  M, 0, M, 0,
            0, 0, M, M,  0, 0, M, M,  M, M, 0, 0,  M, M, 0, 0,
            0, M, M, M,  M, 0, M, M,  M, M, 0, M,  M, M, M, 0,
        ];
        CollectionAssert.AreEqual(expected, mask.data<float>().ToArray());
    }

    [TestMethod]
    public void PartitionTakesRowMajorWindowsAndMergeInvertsIt()
    {
        using var map = torch.arange(16, dtype: ScalarType.Float32).view(1, 4, 4, 1);
        using var windows = SwinWindows.Partition(map, 2);
        CollectionAssert.AreEqual(new long[] { 4, 2, 2, 1 }, windows.shape);
        // Values 0..15 laid out row-major on the 4×4 map; window 1 is the top-right 2×2 block.
        CollectionAssert.AreEqual(new float[] { 0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15 }, windows.data<float>().ToArray());
        using var merged = SwinWindows.Merge(windows, 2, 4, 4);
        CollectionAssert.AreEqual(map.data<float>().ToArray(), merged.data<float>().ToArray());
    }

    [TestMethod]
    public void DropPathRatesGrowLinearlyOverAllBlocks()
    {
        var rates = MultiModalSwin.DropPathRates(0.3, 4);
        double[] expected = [0, 0.1, 0.2, 0.3];
        for (int i = 0; i < 4; i++) Assert.AreEqual(expected[i], rates[i], 1e-12);
        CollectionAssert.AreEqual(new double[] { 0 }, MultiModalSwin.DropPathRates(0.3, 1));
    }

    [TestMethod]
    public void DropPathIsIdentityInEvalAndDropsWholeSamplesInTraining()
    {
        torch.manual_seed(3);
        using var drop = new DropPath(0.5);
        using var x = torch.ones(64, 3, 5);
        drop.eval();
        Assert.AreSame(x, drop.call(x));
        drop.train();
        using var y = drop.call(x);
        var perSample = y.view(64, -1);
        int kept = 0;
        for (int b = 0; b < 64; b++)
        {
            var row = perSample[b].data<float>().ToArray();
            Assert.IsTrue(row.All(v => v == 0) || row.All(v => v == 2), $"sample {b} is dropped (0) or kept and scaled by 1/(1−p) = 2");
            if (row[0] == 2) kept++;
        }
        Assert.IsTrue(kept > 0 && kept < 64, $"{kept} of 64 samples kept");
    }
}
