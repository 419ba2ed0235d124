using MagNet.ML.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Head;

[TestClass]
public sealed class DeformableSamplingTests
{
    [ClassInitialize]
    public static void SingleThread(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    public void SamplesBilinearlyWithZeroPadding()
    {
        // One head, one 2x2 level [[1, 2], [3, 4]]; pixel (i, j) has its centre at ((j+0.5)/2, (i+0.5)/2).
        using var value = tensor(new float[] { 1, 2, 3, 4 }, new long[] { 1, 4, 1, 1 });
        using var locations = tensor(new float[]
        {
            0.25f, 0.25f,  // centre of (0,0) -> 1
            0.75f, 0.25f,  // centre of (0,1) -> 2
            0.50f, 0.50f,  // middle of the four -> 2.5
            0.00f, 0.25f,  // left border of (0,0): half of 1, half of the zero padding -> 0.5
        }, new long[] { 1, 4, 1, 1, 1, 2 });
        using var weights = ones(new long[] { 1, 4, 1, 1, 1 });
        using var output = DeformableSampling.Aggregate(value, [(2, 2)], locations, weights);
        CollectionAssert.AreEqual(new long[] { 1, 4, 1 }, output.shape);
        var actual = output.data<float>().ToArray();
        float[] expected = [1f, 2f, 2.5f, 0.5f];
        for (int q = 0; q < 4; q++) Assert.AreEqual(expected[q], actual[q], 1e-6f, $"query {q}");
    }

    [TestMethod]
    public void WeighsLevelsPerHead()
    {
        // Two heads (one channel each), levels 2x2 and 1x1. Head 0 holds [1,2,3,4 | 7], head 1 [10,20,30,40 | 70].
        using var value = tensor(new float[] { 1, 10, 2, 20, 3, 30, 4, 40, 7, 70 }, new long[] { 1, 5, 2, 1 });
        using var locations = tensor(new float[]
        {
            0.25f, 0.25f, 0.5f, 0.5f,   // head 0: (0,0) of level 0 -> 1; level 1 -> 7
            0.75f, 0.75f, 0.5f, 0.5f,   // head 1: (1,1) of level 0 -> 40; level 1 -> 70
        }, new long[] { 1, 1, 2, 2, 1, 2 });
        using var weights = tensor(new float[] { 0.5f, 0.5f, 0.25f, 0.75f }, new long[] { 1, 1, 2, 2, 1 });
        using var output = DeformableSampling.Aggregate(value, [(2, 2), (1, 1)], locations, weights);
        // head 0: 0.5*1 + 0.5*7 = 4; head 1: 0.25*40 + 0.75*70 = 62.5
        var actual = output.data<float>().ToArray();
        Assert.AreEqual(4f, actual[0], 1e-5f);
        Assert.AreEqual(62.5f, actual[1], 1e-5f);
    }
}
