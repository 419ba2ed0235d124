using MagNet.ML.Visualization;
using Microsoft.ML.Data;

namespace MagNet.ML.Tests.Visualization;

[TestClass]
public sealed class MaskOverlayTests
{
    [TestMethod]
    public void TintsTheInteriorOutlinesTheBoundaryAndLeavesTheRest()
    {
        // 8×8 grey image (100,100,100); mask = the 4×4 square at (2..5, 2..5).
        var bgra = new byte[8 * 8 * 4];
        for (int i = 0; i < 64; i++) { bgra[4 * i] = bgra[4 * i + 1] = bgra[4 * i + 2] = 100; bgra[4 * i + 3] = 255; }
        using var image = MLImage.CreateFromPixels(8, 8, MLPixelFormat.Bgra32, bgra);
        var mask = new BinaryMask(8, 8);
        for (int y = 2; y < 6; y++) for (int x = 2; x < 6; x++) mask[x, y] = true;
        var style = new MaskOverlay.Style(200, 0, 50, 0.5, OutlineRed: 10, OutlineGreen: 20, OutlineBlue: 30);

        string path = Path.Combine(Path.GetTempPath(), $"overlay-{Guid.NewGuid():N}.png");
        try
        {
            File.WriteAllBytes(path, MaskOverlay.RenderPng(image, mask, null, style));
            using var back = MLImage.CreateFromFile(path);
            Assert.AreEqual(8, back.Height, "no caption, no bar");
            var p = back.Pixels.ToArray(); // BGRA
            (byte r, byte g, byte b) At(int x, int y) { int o = (y * 8 + x) * 4; return (p[o + 2], p[o + 1], p[o]); }
            Assert.AreEqual(((byte)100, (byte)100, (byte)100), At(0, 0), "outside the mask");
            Assert.AreEqual(((byte)10, (byte)20, (byte)30), At(2, 2), "boundary = outline colour");
            // interior: 100·0.5 + (200, 0, 50)·0.5 = (150, 50, 75)
            Assert.AreEqual(((byte)150, (byte)50, (byte)75), At(3, 3), "interior = tint");
        }
        finally { File.Delete(path); }
    }

    [TestMethod]
    public void CaptionAddsABarWithLightText()
    {
        var scene = new SyntheticReferringDataset(new() { Seed = 2, Count = 1, Split = "val" }).Generate()[0];
        using var image = scene.LoadImage();
        var png = MaskOverlay.RenderPng(image, scene.LoadMask!(), scene.Expression);
        string path = Path.Combine(Path.GetTempPath(), $"overlay-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(path, png);
        try
        {
            using var back = MLImage.CreateFromFile(path);
            Assert.IsGreaterThan(image.Height, back.Height, "a caption bar is added below the image");
            var p = back.Pixels.ToArray();
            int white = 0;
            for (int y = image.Height; y < back.Height; y++)
                for (int x = 0; x < back.Width; x++)
                    if (p[(y * back.Width + x) * 4] == 255) white++;
            Assert.IsGreaterThan(20, white, "the caption's glyph pixels are drawn");
        }
        finally { File.Delete(path); }
    }
}
