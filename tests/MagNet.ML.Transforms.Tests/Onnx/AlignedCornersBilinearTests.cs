using MagNet.ML.Onnx;

namespace MagNet.ML.Transforms.Tests.Onnx;

[TestClass]
public sealed class AlignedCornersBilinearTests
{
    [TestMethod]
    public void TwoByTwoToThreeByThreeKeepsCornersAndAveragesBetween()
    {
        // Corners 0, 2 / 4, 6: the middle row and column are means of their neighbours, the centre the mean of all four.
        var output = new float[9];
        AlignedCornersBilinear.Resize([0, 2, 4, 6], 2, 2, output, 3, 3);
        CollectionAssert.AreEqual(new float[] { 0, 1, 2, 2, 3, 4, 4, 5, 6 }, output);
    }

    [TestMethod]
    public void OneOutputReadsTheFirstSourceValueAndOneInputIsCopied()
    {
        var single = new float[1];
        AlignedCornersBilinear.Resize([7, 8, 9, 10], 2, 2, single, 1, 1);
        Assert.AreEqual(7f, single[0]);
        var wide = new float[4];
        AlignedCornersBilinear.Resize([5], 1, 1, wide, 2, 2);
        CollectionAssert.AreEqual(new float[] { 5, 5, 5, 5 }, wide);
    }

    [TestMethod]
    public void MatchesTheOfficialUpsamplingOfTheFixtureMaskLogits()
    {
        // dec.pred_masks [2,1,24,24] -> post.mask_logits_upsampled [2,1,96,96], computed by PyTorch.
        var logits = ParityFixture.OutputFloats("dec.pred_masks");
        var expected = ParityFixture.OutputFloats("post.mask_logits_upsampled");
        var output = new float[96 * 96];
        double worst = 0;
        for (int b = 0; b < 2; b++)
        {
            AlignedCornersBilinear.Resize(logits.AsSpan(b * 576, 576), 24, 24, output, 96, 96);
            for (int i = 0; i < output.Length; i++) worst = Math.Max(worst, Math.Abs(output[i] - expected[b * output.Length + i]));
        }
        Assert.IsLessThanOrEqualTo(1e-5, worst);
    }
}
