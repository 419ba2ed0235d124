namespace MagNet.ML;

/// <summary>
/// Draws random scenes: 3–9 objects with random shape, colour and size at integer centres inside the canvas,
/// neighbours at least 0.8 × the sum of their extents apart (so overlaps stay slight), and every object at least
/// 60 % visible after occlusion. Small radii are 8–9.5 % of the side, large ones 14.5–17.5 % (10–22 px at 128²).
/// </summary>
internal static class SyntheticSceneGenerator
{
    public const int MinObjects = 3;
    public const int MaxObjects = 9;
    private const double MinVisibleFraction = 0.6;
    private const double Spacing = 0.8;

    /// <summary>
    /// A scene drawn from <paramref name="rng"/>. Held-out (colour, shape) pairs are redrawn unless
    /// <paramref name="heldOutCombos"/> is true, in which case each object takes its shape's held-out colour with
    /// probability 0.3 and at least one object does.
    /// </summary>
    public static SceneGraph Generate(SyntheticRandom rng, int canvasSize, bool heldOutCombos)
    {
        while (true)
        {
            var scene = TryGenerate(rng, canvasSize, heldOutCombos);
            if (scene is not null) return scene;
        }
    }

    private static SceneGraph? TryGenerate(SyntheticRandom rng, int canvasSize, bool heldOutCombos)
    {
        int wanted = rng.NextInt(MinObjects, MaxObjects);
        var objects = new List<SceneObject>();
        for (int k = 0; k < wanted; k++)
        {
            var placed = TryPlace(rng, canvasSize, objects, heldOutCombos);
            if (placed is null) break;
            objects.Add(placed);
        }
        if (objects.Count < MinObjects) return null;
        if (heldOutCombos && !objects.Any(o => SyntheticSplits.IsHeldOut(o.Colour, o.Shape)))
        {
            int i = rng.NextInt(objects.Count);
            var o = objects[i];
            objects[i] = new SceneObject(o.Shape, HeldOutColourOf(o.Shape), o.Size, o.CenterX, o.CenterY, o.Radius);
        }
        var scene = new SceneGraph(canvasSize, objects, rng.NextULong());
        double minPixels = 0.002 * canvasSize * canvasSize;
        for (int i = 0; i < objects.Count; i++)
        {
            long full = scene.ShapeArea(i), visible = scene.VisibleArea(i);
            if (visible < MinVisibleFraction * full || visible < minPixels) return null;
        }
        return scene;
    }

    private static SceneObject? TryPlace(SyntheticRandom rng, int canvasSize, List<SceneObject> placed, bool heldOutCombos)
    {
        for (int attempt = 0; attempt < 60; attempt++)
        {
            var shape = (SyntheticShape)rng.NextInt(Enum.GetValues<SyntheticShape>().Length);
            var size = rng.Chance(0.5) ? SyntheticSize.Small : SyntheticSize.Large;
            SyntheticColour colour;
            if (heldOutCombos && rng.Chance(0.3)) colour = HeldOutColourOf(shape);
            else
            {
                do colour = (SyntheticColour)rng.NextInt(Enum.GetValues<SyntheticColour>().Length);
                while (SyntheticSplits.IsHeldOut(colour, shape));
            }
            double fraction = size == SyntheticSize.Small ? rng.NextDouble(0.080, 0.095) : rng.NextDouble(0.145, 0.175);
            double radius = Math.Round(fraction * canvasSize * 4) / 4;
            int reach = (int)Math.Ceiling(radius * ShapeGeometry.ExtentOf(shape)) + 1;
            if (2 * reach >= canvasSize) continue;
            int cx = rng.NextInt(reach, canvasSize - 1 - reach), cy = rng.NextInt(reach, canvasSize - 1 - reach);
            var candidate = new SceneObject(shape, colour, size, cx, cy, radius);
            if (placed.All(o => FarEnough(o, candidate))) return candidate;
        }
        return null;
    }

    private static bool FarEnough(SceneObject a, SceneObject b)
    {
        double ea = a.Radius * ShapeGeometry.ExtentOf(a.Shape), eb = b.Radius * ShapeGeometry.ExtentOf(b.Shape);
        double dx = a.CenterX - b.CenterX, dy = a.CenterY - b.CenterY, min = Spacing * (ea + eb);
        return dx * dx + dy * dy >= min * min;
    }

    private static SyntheticColour HeldOutColourOf(SyntheticShape shape) =>
        SyntheticSplits.HeldOutColourShapes.First(p => p.Shape == shape).Colour;
}
