using MagNet.ML.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Head;

[TestClass]
public sealed class SemanticInferenceTests
{
    [ClassInitialize]
    public static void SingleThread(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    public void OneQueryGivesSigmoidOfCornerAlignedUpsampling()
    {
        // [[0, 2], [4, 6]] upsampled to 3x3 with aligned corners: [[0,1,2],[2,3,4],[4,5,6]].
        // With one query the softmax over queries is 1, whatever the class logits.
        using var logits = tensor(new float[] { -3, 5 }, new long[] { 1, 1, 2 });
        using var masks = tensor(new float[] { 0, 2, 4, 6 }, new long[] { 1, 1, 2, 2 });
        using var prob = SemanticInference.Postprocess(logits, masks, (3, 3));
        CollectionAssert.AreEqual(new long[] { 1, 1, 3, 3 }, prob.shape);
        double[] sigmoid = [0.5, 0.7310585786, 0.8807970780, 0.9525741268, 0.9820137900, 0.9933071491, 0.9975273768];
        int[] upsampled = [0, 1, 2, 2, 3, 4, 4, 5, 6];
        var actual = prob.data<float>().ToArray();
        for (int i = 0; i < 9; i++) Assert.AreEqual(sigmoid[upsampled[i]], actual[i], 1e-6, $"pixel {i}");
    }

    [TestMethod]
    public void SoftmaxRunsOverTheQueryAxis()
    {
        // Two queries; class-1 logits ln 3 and 0 -> softmax over queries 0.75 and 0.25.
        // Mask logits 0 and ln 3 -> sigmoids 0.5 and 0.75. Probability = 0.75*0.5 + 0.25*0.75 = 0.5625.
        float ln3 = MathF.Log(3);
        using var logits = tensor(new float[] { 0, ln3, 0, 0 }, new long[] { 1, 2, 2 });
        using var masks = tensor(new float[] { 0, ln3 }, new long[] { 1, 2, 1, 1 });
        using var prob = SemanticInference.Postprocess(logits, masks, (2, 2));
        CollectionAssert.AreEqual(new long[] { 1, 1, 2, 2 }, prob.shape);
        foreach (var p in prob.data<float>().ToArray()) Assert.AreEqual(0.5625f, p, 1e-6f);
    }

    [TestMethod]
    public void RejectsMismatchedQueries()
    {
        using var logits = zeros(1, 2, 2);
        using var masks = zeros(1, 1, 4, 4);
        Assert.ThrowsExactly<ArgumentException>(() => SemanticInference.Postprocess(logits, masks, (8, 8)));
    }
}
