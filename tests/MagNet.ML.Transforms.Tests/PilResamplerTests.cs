using MagNet.ML.Internal;
using MagNet.ML.Transforms.Tests.Reference;

namespace MagNet.ML.Transforms.Tests;

[TestClass]
public sealed class PilResamplerTests
{
    [TestMethod]
    public void BilinearMatchesPillowByteForByte()
    {
        foreach (var (width, height, expected) in PillowReference.Bilinear)
        {
            byte[] actual = PilBilinearResampler.Resize(PillowReference.Source, PillowReference.SourceWidth, PillowReference.SourceHeight, 3, width, height);
            CollectionAssert.AreEqual(expected, actual, $"{PillowReference.SourceWidth}x{PillowReference.SourceHeight} -> {width}x{height}");
        }
    }

    [TestMethod]
    public void BilinearEnlargingTwoToFourByHand()
    {
        // Row [0, 255] -> [0, 0.75*0+0.25*255 = 63.75 -> 64, 191.25 -> 191, 255] (weights 1 | 3/4, 1/4 | 1/4, 3/4 | 1;
        // Pillow rounds each pass half up). Then the same vertically on those bytes.
        byte[] source = [0, 255, 255, 0];
        byte[] expected =
        [
            0, 64, 191, 255,
            64, 96, 159, 191,     // 0.75*row0 + 0.25*row1: 63.75, 95.75, 159.25, 191.25
            191, 159, 96, 64,     // 0.25*row0 + 0.75*row1
            255, 191, 64, 0,
        ];
        CollectionAssert.AreEqual(expected, PilBilinearResampler.Resize(source, 2, 2, 1, 4, 4));
    }

    [TestMethod]
    public void BilinearReducingFourToTwoUsesTheAntialiasedKernelByHand()
    {
        // Scale 2, support 2: output 0 weighs source 0, 1, 2 by triangle(0.25), triangle(0.25), triangle(0.75) =
        // 0.75, 0.75, 0.25 -> 3/7, 3/7, 1/7; output 1 weighs sources 1, 2, 3 by 1/7, 3/7, 3/7.
        // Row [0, 70, 140, 210] -> [(0 + 210 + 140)/7, (70 + 420 + 630)/7] = [50, 160].
        byte[] source = [0, 70, 140, 210];
        CollectionAssert.AreEqual(new byte[] { 50, 160 }, PilBilinearResampler.Resize(source, 4, 1, 1, 2, 1));
        // A plain 2-tap bilinear would give [35, 175] (the midpoints of 0..70 and 140..210).
    }

    [TestMethod]
    public void BilinearSameSizeIsIdentity()
    {
        byte[] source = [1, 2, 3, 4, 5, 6];
        CollectionAssert.AreEqual(source, PilBilinearResampler.Resize(source, 3, 2, 1, 3, 2));
    }

    [TestMethod]
    public void NearestIndicesMatchPillow()
    {
        foreach (var (inSize, outSize, expected) in PillowReference.Nearest)
            CollectionAssert.AreEqual(expected, PilNearestResampler.SourceIndices(inSize, outSize), $"{inSize} -> {outSize}");
    }

    [TestMethod]
    public void NearestIndicesByHand()
    {
        // Target x samples source floor((x + 0.5) * in / out).
        CollectionAssert.AreEqual(new[] { 0, 1, 1, 2 }, PilNearestResampler.SourceIndices(3, 4)); // 0.375, 1.125, 1.875, 2.625
        CollectionAssert.AreEqual(new[] { 1, 3 }, PilNearestResampler.SourceIndices(5, 2));       // 1.25, 3.75
    }
}
