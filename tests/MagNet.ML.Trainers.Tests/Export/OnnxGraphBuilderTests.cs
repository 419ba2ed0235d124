using Google.Protobuf;
using MagNet.ML.Export;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace MagNet.ML.Tests.Export;

/// <summary>The emitter's building blocks on tiny graphs, run in ONNX Runtime against hand-worked values.</summary>
[TestClass]
public sealed class OnnxGraphBuilderTests
{
    [TestMethod]
    public void AdaptivePoolingBinsFollowFloorAndCeilingBounds()
    {
        // 5 inputs into 3 bins: [0, 2), [1, 4), [3, 5).
        float h = 1f / 2, t = 1f / 3;
        CollectionAssert.AreEqual(new[] { h, h, 0, 0, 0, 0, t, t, t, 0, 0, 0, 0, h, h }, AdaptiveAveragePooling.Matrix(5, 3));
        CollectionAssert.AreEqual(new[] { h, 0, 0, h, t, 0, 0, t, 0, 0, t, h, 0, 0, h }, AdaptiveAveragePooling.TransposedMatrix(5, 3));
        CollectionAssert.AreEqual(new[] { 0.25f, 0.25f, 0.25f, 0.25f }, AdaptiveAveragePooling.Matrix(4, 1));
    }

    [TestMethod]
    public void RollMovesElementsLikeTorchRoll()
    {
        float[] x = [0, 1, 2, 3, 4, 5];
        CollectionAssert.AreEqual(new float[] { 2, 3, 4, 5, 0, 1 }, Run(g => g.Roll("x", -2, 1, 6), x, [1, 6]));
        CollectionAssert.AreEqual(new float[] { 4, 5, 0, 1, 2, 3 }, Run(g => g.Roll("x", 2, 1, 6), x, [1, 6]));
        CollectionAssert.AreEqual(x, Run(g => g.Roll("x", 6, 1, 6), x, [1, 6]));
    }

    [TestMethod]
    public void BilinearResizeUsesAlignedCornersOrPyTorchHalfPixels()
    {
        // Aligned corners, 2 -> 3: the ends stay, the middle is their mean.
        CollectionAssert.AreEqual(new float[] { 0, 5, 10 }, Run(g => g.ResizeBilinear("x", 1, 3, alignCorners: true), [0, 10], [1, 1, 1, 2]));
        // Half pixels, 4 -> 2: samples at 0.5 and 2.5.
        CollectionAssert.AreEqual(new float[] { 0.5f, 2.5f }, Run(g => g.ResizeBilinear("x", 1, 2, alignCorners: false), [0, 1, 2, 3], [1, 1, 1, 4]));
    }

    [TestMethod]
    public void ExactGeluAndDecomposedLayerNormMatchTheirFormulas()
    {
        float[] x = [-2, -0.5f, 0, 1, 3];
        var gelu = Run(g => g.Gelu("x"), x, [1, 5]);
        for (int i = 0; i < x.Length; i++)
            Assert.AreEqual(0.5 * x[i] * (1 + Erf(x[i] / Math.Sqrt(2))), gelu[i], 1e-6, $"gelu({x[i]})");

        // [1, 2, 3, 6]: mean 3, biased variance 3.5.
        float[] row = [1, 2, 3, 6];
        foreach (int opset in new[] { 16, 17 })
        {
            var normed = Run(g => g.LayerNorm("x", g.ConstantFloats("w", [1, 1, 1, 1], 4), g.ConstantFloats("b", [0, 0, 0, 0], 4), 0f), row, [1, 4], opset);
            for (int i = 0; i < 4; i++)
                Assert.AreEqual((row[i] - 3) / Math.Sqrt(3.5), normed[i], 1e-6, $"opset {opset}, element {i}");
        }
    }

    [TestMethod]
    public void GroupNormNormalisesEachGroupThenAppliesTheChannelAffine()
    {
        // Two groups of two channels, one pixel each: group 0 = [1, 3] -> [-1, 1]; group 1 = [10, 14] -> [-1, 1].
        var y = Run(g => g.GroupNorm("x", 2, 4, 1, 1, g.ConstantFloats("w", [1, 2, 3, 4], 4), g.ConstantFloats("b", [0, 0, 1, 1], 4), 0f),
            [1, 3, 10, 14], [1, 4, 1, 1]);
        CollectionAssert.AreEqual(new float[] { -1, 2, -2, 5 }, y.Select(v => MathF.Round(v, 5)).ToArray());
    }

    [TestMethod]
    public void ReadingAnUndefinedValueOrDefiningOneTwiceFails()
    {
        var g = new OnnxGraphBuilder(17);
        g.AddInput("x", TensorProto.Types.DataType.Float, 1L);
        Assert.ThrowsExactly<InvalidOperationException>(() => g.Add("x", "missing"));
        Assert.ThrowsExactly<InvalidOperationException>(() => g.AddInput("x", TensorProto.Types.DataType.Float, 1L));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new OnnxGraphBuilder(18));
    }

    private static float[] Run(Func<OnnxGraphBuilder, string> build, float[] input, int[] dims, int opset = 17)
    {
        var g = new OnnxGraphBuilder(opset);
        g.AddInput("x", TensorProto.Types.DataType.Float, dims.Select(d => (object)(long)d).ToArray());
        g.AddOutput(build(g), "y", TensorProto.Types.DataType.Float);
        var bytes = g.ToModel("test", "tests", "0").ToByteArray();
        using var session = new InferenceSession(bytes);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(input, dims))]);
        return results.First().AsTensor<float>().ToArray();
    }

    // The Maclaurin series of erf in double precision (ample for |x| < 3).
    private static double Erf(double x)
    {
        double sum = 0, term = x;
        for (int n = 0; n < 200; n++)
        {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }
}
