namespace MagNet.ML.Tests.Synthetic;

/// <summary>Masks of hand-placed scenes against pixel counts worked out by hand.</summary>
[TestClass]
public sealed class SceneGeometryTests
{
    [TestMethod]
    public void SquareMaskCoversTheHandCountedPixels()
    {
        // Radius 20 gives a half side of 0.85 × 20 = 17: the square spans [23, 57] in x and y around (40, 40).
        // Pixel centres x + 0.5 inside it are x = 23 … 56, i.e. 34 × 34 = 1156 pixels.
        var scene = new SceneGraph(100, [new SceneObject(SyntheticShape.Square, SyntheticColour.Red, SyntheticSize.Large, 40, 40, 20)]);
        var mask = scene.VisibleMask(0);
        Assert.AreEqual(1156L, mask.Area);
        Assert.IsTrue(mask[23, 23] && mask[56, 56] && mask[23, 56]);
        Assert.IsFalse(mask[22, 40] || mask[57, 40] || mask[40, 22] || mask[40, 57]);
        Assert.AreEqual(new System.Drawing.Rectangle(23, 23, 34, 34), scene.BoundingBox(0));
    }

    [TestMethod]
    public void CircleMaskCoversTheHandCountedPixels()
    {
        // Radius 3 at (10, 10): offsets of pixel centres are ±0.5, ±1.5, ±2.5; per quadrant the pairs with
        // dx² + dy² ≤ 9 are (.5,.5) (.5,1.5) (1.5,.5) (.5,2.5) (2.5,.5) (1.5,1.5) (1.5,2.5) (2.5,1.5): 8, so 32 pixels.
        var scene = new SceneGraph(20, [new SceneObject(SyntheticShape.Circle, SyntheticColour.Blue, SyntheticSize.Small, 10, 10, 3)]);
        Assert.AreEqual(32L, scene.VisibleMask(0).Area);
        Assert.AreEqual(new System.Drawing.Rectangle(7, 7, 6, 6), scene.BoundingBox(0));
    }

    [TestMethod]
    public void LaterObjectsHideTheOverlapOfEarlierOnes()
    {
        // Squares [23, 57]² (drawn first) and [53, 87]² (drawn second) overlap in x, y = 53 … 56: 16 pixels.
        var first = new SceneObject(SyntheticShape.Square, SyntheticColour.Red, SyntheticSize.Large, 40, 40, 20);
        var second = new SceneObject(SyntheticShape.Square, SyntheticColour.Green, SyntheticSize.Large, 70, 70, 20);
        var scene = new SceneGraph(100, [first, second]);
        Assert.AreEqual(1156L - 16, scene.VisibleMask(0).Area);
        Assert.AreEqual(1156L, scene.VisibleMask(1).Area);
        Assert.IsFalse(scene.VisibleMask(0)[54, 54]);
        Assert.IsTrue(scene.VisibleMask(1)[54, 54]);
        Assert.AreEqual(1156L, scene.ShapeMask(0).Area);
        Assert.AreEqual(2 * 1156L - 16, scene.VisibleMask([0, 1]).Area);
        Assert.AreEqual(0L, scene.VisibleMask([]).Area);
    }

    [TestMethod]
    public void ImageShowsEachObjectInItsColourWhereItIsVisible()
    {
        var first = new SceneObject(SyntheticShape.Square, SyntheticColour.Red, SyntheticSize.Large, 40, 40, 20);
        var second = new SceneObject(SyntheticShape.Square, SyntheticColour.Blue, SyntheticSize.Large, 70, 70, 20);
        var scene = new SceneGraph(100, [first, second], backgroundSeed: 9);
        using var image = scene.RenderImage();
        byte[] bgra = image.Pixels.ToArray();
        (int R, int G, int B) At(int x, int y) { int o = (y * 100 + x) * 4; return (bgra[o + 2], bgra[o + 1], bgra[o]); }
        var red = At(35, 35);
        Assert.IsTrue(red.R > 150 && red.G < 80 && red.B < 80, $"red square shows {red}");
        var blue = At(55, 55); // in the overlap: the blue square is on top
        Assert.IsTrue(blue.B > 150 && blue.R < 90, $"overlap shows {blue}");
        var background = At(95, 5);
        Assert.IsTrue(Math.Min(background.R, Math.Min(background.G, background.B)) > 140, $"background shows {background}");
    }
}
