namespace MagNet.ML.Tests.Synthetic;

/// <summary>Masks are the visible part of the referred objects: inside their boxes, in their colour, empty for no target.</summary>
[TestClass]
public sealed class SyntheticMaskTests
{
    // Textbook RGB values of the colour names (not the renderer's palette): a pixel belongs to the nearest one.
    private static readonly (string Name, int R, int G, int B)[] NamedColours =
    [
        ("red", 255, 0, 0), ("green", 0, 160, 0), ("blue", 0, 0, 255), ("yellow", 255, 255, 0),
        ("purple", 150, 50, 200), ("cyan", 0, 255, 255), ("gray", 128, 128, 128), ("brown", 150, 75, 0),
    ];

    [TestMethod]
    public void MasksLieInsideTheTargetsBoxesAndAreEmptyOnlyWithoutTarget()
    {
        foreach (var row in SyntheticSamples.Train.Concat(SyntheticSamples.AllSplits))
        {
            var scene = SyntheticSamples.Scene(row);
            int[] targets = SyntheticSamples.TargetIds(row);
            var mask = row.LoadMask!();
            Assert.AreEqual(scene.Width, mask.Width);
            Assert.AreEqual(scene.Height, mask.Height);
            if (targets.Length == 0)
            {
                Assert.IsTrue(mask.IsEmpty, $"{row.Id}: a no-target mask has {mask.Area} pixels");
                continue;
            }
            var boxes = targets.Select(t => scene.Objects[t].Box).ToArray();
            for (int y = 0; y < mask.Height; y++)
                for (int x = 0; x < mask.Width; x++)
                    if (mask[x, y])
                        Assert.IsTrue(boxes.Any(b => x >= b[0] && x < b[0] + b[2] && y >= b[1] && y < b[1] + b[3]),
                            $"{row.Id}: mask pixel ({x}, {y}) lies outside every target's box");
            foreach (var box in boxes)
                Assert.IsTrue(Enumerable.Range(box[1], box[3]).Any(y => Enumerable.Range(box[0], box[2]).Any(x => mask[x, y])),
                    $"{row.Id}: a target has no mask pixel");
            Assert.AreEqual(targets.Sum(t => scene.Objects[t].VisiblePixels), mask.Area, $"{row.Id}: mask area vs visible pixels");
        }
    }

    [TestMethod]
    public void TheInsideOfEachSingleTargetMaskShowsTheTargetsColour()
    {
        foreach (var row in SyntheticSamples.Train.Where(r => r.Extras[SyntheticReferringDataset.TargetsKey] == "1"))
        {
            var scene = SyntheticSamples.Scene(row);
            var target = scene.Objects[SyntheticSamples.TargetIds(row)[0]];
            var mask = row.LoadMask!();
            using var image = row.LoadImage();
            byte[] bgra = image.Pixels.ToArray();
            int inside = 0, agreeing = 0;
            // Pixels whose 5×5 neighbourhood is all mask: away from the rim and the anti-aliased edge.
            for (int y = 2; y < mask.Height - 2; y++)
                for (int x = 2; x < mask.Width - 2; x++)
                {
                    if (!Interior(mask, x, y)) continue;
                    inside++;
                    int o = (y * mask.Width + x) * 4;
                    if (Nearest(bgra[o + 2], bgra[o + 1], bgra[o]) == target.Colour) agreeing++;
                }
            Assert.IsGreaterThan(0, inside, $"{row.Id}: the mask has no interior");
            Assert.IsGreaterThanOrEqualTo(0.95 * inside, agreeing, $"{row.Id}: {agreeing} of {inside} interior pixels look {target.Colour}");
        }
    }

    private static bool Interior(BinaryMask mask, int x, int y)
    {
        for (int dy = -2; dy <= 2; dy++)
            for (int dx = -2; dx <= 2; dx++)
                if (!mask[x + dx, y + dy]) return false;
        return true;
    }

    private static string Nearest(int r, int g, int b) =>
        NamedColours.MinBy(c => (c.R - r) * (c.R - r) + (c.G - g) * (c.G - g) + (c.B - b) * (c.B - b)).Name;
}
