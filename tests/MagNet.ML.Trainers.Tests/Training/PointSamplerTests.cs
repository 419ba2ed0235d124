using MagNet.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Training;

[TestClass]
public sealed class PointSamplerTests
{
    [TestInitialize]
    public void SingleThread() => torch.set_num_threads(1);

    [TestMethod]
    public void SamplingAtPixelCentresReadsThePixels()
    {
        using var scope = NewDisposeScope();
        // A 3×4 map with value 10·row + column; pixel (row r, column c) has its centre at x = (c + 0.5)/4, y = (r + 0.5)/3.
        var map = tensor(Enumerable.Range(0, 12).Select(i => (float)(10 * (i / 4) + i % 4)).ToArray(), new long[] { 1, 1, 3, 4 });
        var points = tensor(new float[] { 0.5f / 4, 0.5f / 3, 3.5f / 4, 2.5f / 3, 1.5f / 4, 1.5f / 3 }, new long[] { 1, 3, 2 });
        var values = PointSampler.Sample(map, points).data<float>().ToArray();
        CollectionAssert.AreEqual(new float[] { 0, 23, 11 }, values.Select(v => MathF.Round(v, 4)).ToArray());

        // Half-way between columns 1 and 2 of row 0 (x = 2/4): bilinear mean (1 + 2)/2.
        var between = tensor(new float[] { 0.5f, 0.5f / 3 }, new long[] { 1, 1, 2 });
        Assert.AreEqual(1.5f, PointSampler.Sample(map, between).item<float>(), 1e-6f);
    }

    [TestMethod]
    public void UncertainPointsComeFromWhereTheLogitsAreNearZero()
    {
        using var scope = NewDisposeScope();
        // Left half logits 0 (most uncertain), right half 10. With 3× oversampling about 1.5× the needed points fall
        // on the left, so every uncertain pick has x within the left half (plus half a pixel of bilinear blending).
        var logits = cat(new[] { zeros(1, 1, 8, 4), full(1, 1, 8, 4, 10f) }, 3);
        var points = PointSampler.UncertainPoints(logits, 200, 3.0, 1.0, new Generator(1));
        var x = points.select(2, 0);
        CollectionAssert.AreEqual(new long[] { 1, 200, 2 }, points.shape);
        Assert.IsTrue(x.le(0.5 + 0.5 / 8).all().item<bool>());

        // With importance 0 the points are uniform: about half on each side (σ ≈ 7 of 200).
        var uniform = PointSampler.UncertainPoints(logits, 200, 3.0, 0.0, new Generator(1)).select(2, 0);
        Assert.AreEqual(100, uniform.lt(0.5).sum().item<long>(), 30);
    }
}
