using Microsoft.ML.Data;

namespace MagNet.ML.Transforms.Tests;

[TestClass]
public sealed class MaskTensorizerTests
{
    [TestMethod]
    public void NearestEnlargingByHand()
    {
        // 3x2 mask; target x samples source floor((x + 0.5) * 3/4) = 0, 1, 1, 2 and y floor((y + 0.5) * 2/4) = 0, 0, 1, 1.
        var mask = new BinaryMask(3, 2, [1, 0, 1,
                                         0, 1, 0]);
        float[] expected =
        [
            1, 0, 0, 1,
            1, 0, 0, 1,
            0, 1, 1, 0,
            0, 1, 1, 0,
        ];
        CollectionAssert.AreEqual(expected, new MaskTensorizer(4).Tensorize(mask));
    }

    [TestMethod]
    public void NearestReducingByHand()
    {
        // 5x5 -> 2x2 samples rows/columns floor((i + 0.5) * 2.5) = 1 and 3.
        var data = new byte[25];
        data[1 * 5 + 1] = 1; // (x 1, y 1) -> target (0, 0)
        data[1 * 5 + 3] = 1; // (x 3, y 1) -> target (1, 0)
        data[0] = 1;         // (0, 0) is never sampled
        data[4 * 5 + 4] = 1; // (4, 4) is never sampled
        CollectionAssert.AreEqual(new float[] { 1, 1, 0, 0 }, new MaskTensorizer(2).Tensorize(new BinaryMask(5, 5, data)));
    }

    [TestMethod]
    public void AnyNonZeroColourOfAnMLImageIsForeground()
    {
        // BGRA pixels: black, dark blue, dark red, transparent (premultiplied: no colour), grey.
        byte[] bgra = [0, 0, 0, 255, 1, 0, 0, 255, 0, 0, 7, 255, 0, 0, 0, 0, 9, 9, 9, 255, 0, 0, 0, 255];
        using var image = MLImage.CreateFromPixels(6, 1, MLPixelFormat.Bgra32, bgra);
        // Width 6 is kept; the one source row is repeated on the 6 target rows: check the first.
        float[] firstRow = new MaskTensorizer(6).Tensorize(image)[..6];
        CollectionAssert.AreEqual(new float[] { 0, 1, 1, 0, 1, 0 }, firstRow);
    }

    [TestMethod]
    public void DestinationOfWrongLengthIsRejected()
    {
        Assert.ThrowsExactly<ArgumentException>(() => new MaskTensorizer(2).Tensorize(new BinaryMask(2, 2), new float[3]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MaskTensorizer(0));
    }
}
