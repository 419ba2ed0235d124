using Microsoft.ML.Data;

namespace MagNet.ML.Transforms.Tests;

[TestClass]
public sealed class ImageTensorizerTests
{
    private static readonly double[] Mean = [0.485, 0.456, 0.406];
    private static readonly double[] Std = [0.229, 0.224, 0.225];

    private static float Normalized(int value, int channel) => (float)((value / 255.0 - Mean[channel]) / Std[channel]);

    private static void AssertPlanes(int[][] expectedBytes, float[] actual, int size)
    {
        Assert.AreEqual(3 * size * size, actual.Length);
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < size * size; i++)
                Assert.AreEqual(Normalized(expectedBytes[c][i], c), actual[c * size * size + i], 1e-5, $"channel {c}, pixel {i}");
    }

    [TestMethod]
    public void FourByFourToTwoByTwoByHand()
    {
        // R = 70x + 7y, G = 255 - R, B = 30. Pillow's reducing kernel weighs (3/7, 3/7, 1/7) and (1/7, 3/7, 3/7) on each
        // axis (see PilResamplerTests): R rows become [50 + 7y, 160 + 7y], then columns give [[55, 165], [66, 176]].
        int[] red = new int[16], green = new int[16], blue = new int[16];
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++)
            {
                red[y * 4 + x] = 70 * x + 7 * y;
                green[y * 4 + x] = 255 - red[y * 4 + x];
                blue[y * 4 + x] = 30;
            }
        using var image = TestImages.FromPlanes(4, 4, red, green, blue);
        var result = new ImageTensorizer(2).Tensorize(image);

        AssertPlanes([[55, 165, 66, 176], [200, 90, 189, 79], [30, 30, 30, 30]], result.Pixels, 2);
        Assert.AreEqual(4, result.OriginalWidth);
        Assert.AreEqual(4, result.OriginalHeight);
    }

    [TestMethod]
    public void TwoByTwoToFourByFourByHand()
    {
        // Enlarging: weights 1 | 3/4, 1/4 | 1/4, 3/4 | 1 on each axis, each pass rounded half up to a byte.
        using var image = TestImages.FromPlanes(2, 2, [0, 255, 255, 0], [10, 20, 30, 40], [100, 100, 100, 100]);
        var result = new ImageTensorizer(4).Tensorize(image);

        int[] red = [0, 64, 191, 255, 64, 96, 159, 191, 191, 159, 96, 64, 255, 191, 64, 0];
        // G rows: [10, 12.5 -> 13, 17.5 -> 18, 20] and [30, 33, 38, 40]; middle rows 0.75/0.25 mixes of those bytes.
        int[] green = [10, 13, 18, 20, 15, 18, 23, 25, 25, 28, 33, 35, 30, 33, 38, 40];
        AssertPlanes([red, green, Enumerable.Repeat(100, 16).ToArray()], result.Pixels, 4);
        Assert.AreEqual(2, result.OriginalWidth);
        Assert.AreEqual(2, result.OriginalHeight);
    }

    [TestMethod]
    public void NonSquareImageIsStretchedAndKeepsItsSize()
    {
        // A 3x1 image filled-resized to 3x3: only the vertical axis changes and every row repeats the source row.
        using var image = TestImages.FromPlanes(3, 1, [0, 128, 255], [1, 2, 3], [4, 5, 6]);
        var result = new ImageTensorizer(3).Tensorize(image);
        AssertPlanes([[0, 128, 255, 0, 128, 255, 0, 128, 255], [1, 2, 3, 1, 2, 3, 1, 2, 3], [4, 5, 6, 4, 5, 6, 4, 5, 6]], result.Pixels, 3);
        Assert.AreEqual(3, result.OriginalWidth);
        Assert.AreEqual(1, result.OriginalHeight);
    }

    [TestMethod]
    public void ImageNetNormalisationByHand()
    {
        using var image = TestImages.FromPlanes(1, 1, [255], [0], [128]);
        float[] pixels = new ImageTensorizer(1).Tensorize(image).Pixels;
        Assert.AreEqual((1 - 0.485) / 0.229, pixels[0], 1e-5);       // 2.24891
        Assert.AreEqual((0 - 0.456) / 0.224, pixels[1], 1e-5);       // -2.03571
        Assert.AreEqual((128 / 255.0 - 0.406) / 0.225, pixels[2], 1e-5);
    }

    [TestMethod]
    public void CustomMeanAndStd()
    {
        using var image = TestImages.FromPlanes(1, 1, [51], [102], [204]);
        float[] pixels = new ImageTensorizer(1, mean: [0, 0.5f, 1], std: [1, 2, 0.5f]).Tensorize(image).Pixels;
        Assert.AreEqual(0.2, pixels[0], 1e-6);                 // 51/255 = 0.2
        Assert.AreEqual((0.4 - 0.5) / 2, pixels[1], 1e-6);     // 102/255 = 0.4
        Assert.AreEqual((0.8 - 1) / 0.5, pixels[2], 1e-6);     // 204/255 = 0.8
    }

    [TestMethod]
    public void TranslucentPixelsAreUnpremultipliedAndTransparentOnesAreBlack()
    {
        // Premultiplied BGRA (50, 100, 25, alpha 128): straight colour = round(c * 255 / 128): B 99.6 -> 100,
        // G 199.2 -> 199, R 49.8 -> 50. A transparent pixel has no colour left: 0.
        byte[] bgra = [50, 100, 25, 128, 0, 0, 0, 0];
        using var image = MLImage.CreateFromPixels(2, 1, MLPixelFormat.Bgra32, bgra);
        var tensorizer = new ImageTensorizer(2, mean: [0, 0, 0], std: [1, 1, 1]);
        float[] pixels = tensorizer.Tensorize(image).Pixels;
        // 2x1 -> 2x2 repeats the row; planes R, G, B of 4 values each.
        CollectionAssert.AreEqual(new[] { 50 / 255f, 0, 50 / 255f, 0 }, pixels[0..4]);
        CollectionAssert.AreEqual(new[] { 199 / 255f, 0, 199 / 255f, 0 }, pixels[4..8]);
        CollectionAssert.AreEqual(new[] { 100 / 255f, 0, 100 / 255f, 0 }, pixels[8..12]);
    }

    [TestMethod]
    public void RgbaImagesReadTheirChannelsInRgbaOrder()
    {
        using var image = MLImage.CreateFromPixels(1, 1, MLPixelFormat.Rgba32, [10, 20, 30, 255]);
        float[] pixels = new ImageTensorizer(1, mean: [0, 0, 0], std: [1, 1, 1]).Tensorize(image).Pixels;
        CollectionAssert.AreEqual(new[] { 10 / 255f, 20 / 255f, 30 / 255f }, pixels);
    }

    [TestMethod]
    public void InvalidSettingsAreRejected()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ImageTensorizer(0));
        Assert.ThrowsExactly<ArgumentException>(() => new ImageTensorizer(4, mean: [0, 0]));
        Assert.ThrowsExactly<ArgumentException>(() => new ImageTensorizer(4, std: [1, 0, 1]));
        using var image = TestImages.FromPlanes(1, 1, [0], [0], [0]);
        Assert.ThrowsExactly<ArgumentException>(() => new ImageTensorizer(2).Tensorize(image, new float[11]));
    }
}
