using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests;

/// <summary>Proves the native TorchSharp runtime loads here (the libLibTorchSharp GLIBCXX fix) and computes.</summary>
[TestClass]
public sealed class TorchRuntimeTests
{
    [TestMethod]
    public void LibTorchLoadsAndMultipliesMatrices()
    {
        torch.set_num_threads(1);
        using var a = torch.tensor(new float[] { 1, 2, 3, 4 }, new long[] { 2, 2 });
        using var b = torch.tensor(new float[] { 5, 6, 7, 8 }, new long[] { 2, 2 });
        using var c = a.matmul(b);
        // [[1,2],[3,4]] x [[5,6],[7,8]] = [[19,22],[43,50]], worked by hand.
        CollectionAssert.AreEqual(new float[] { 19, 22, 43, 50 }, c.data<float>().ToArray());
    }
}
