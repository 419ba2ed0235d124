using SkiaSharp;

namespace MagNet.ML;

/// <summary>
/// The exact outline of each shape: polygon vertices from fixed unit vectors (no trigonometry at run time, so the
/// geometry is bit-identical on every machine), a pixel-centre containment test for masks and a Skia path for images.
/// </summary>
internal static class ShapeGeometry
{
    private const double Cos30 = 0.8660254037844386;
    private const double Cos18 = 0.9510565162951535;
    private const double Sin18 = 0.3090169943749474;
    private const double Cos54 = 0.5877852522924731;
    private const double Sin54 = 0.8090169943749475;

    private static readonly (double X, double Y)[] TriangleUnit = [(0, -1), (Cos30, 0.5), (-Cos30, 0.5)];
    private static readonly (double X, double Y)[] SquareUnit = [(-1, -1), (1, -1), (1, 1), (-1, 1)];
    private static readonly (double X, double Y)[] DiamondUnit = [(0, -1), (1, 0), (0, 1), (-1, 0)];
    private static readonly (double X, double Y)[] HexagonUnit =
        [(0, -1), (Cos30, -0.5), (Cos30, 0.5), (0, 1), (-Cos30, 0.5), (-Cos30, -0.5)];
    // Outer points at -90°, -18°, 54°, 126°, 198°; inner points halfway between them, at half the radius.
    private static readonly (double X, double Y)[] StarUnit =
    [
        (0, -1), (0.5 * Cos54, -0.5 * Sin54), (Cos18, -Sin18), (0.5 * Cos18, 0.5 * Sin18), (Cos54, Sin54),
        (0, 0.5), (-Cos54, Sin54), (-0.5 * Cos18, 0.5 * Sin18), (-Cos18, -Sin18), (-0.5 * Cos54, -0.5 * Sin54),
    ];

    /// <summary>Multiplier from <see cref="SceneObject.Radius"/> to the unit outline's scale, per shape.</summary>
    public static double ScaleOf(SyntheticShape shape) => shape switch
    {
        SyntheticShape.Circle => 1.0,
        SyntheticShape.Square => 0.85,
        SyntheticShape.Triangle => 1.25,
        SyntheticShape.Diamond => 1.1,
        SyntheticShape.Star => 1.2,
        SyntheticShape.Hexagon => 1.0,
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };

    /// <summary>Largest distance from the centre to the outline along x or y, in multiples of the radius.</summary>
    public static double ExtentOf(SyntheticShape shape) => ScaleOf(shape);

    /// <summary>The polygon's vertices in pixels, or <c>null</c> for a circle.</summary>
    public static (double X, double Y)[]? Polygon(SceneObject o)
    {
        var unit = o.Shape switch
        {
            SyntheticShape.Circle => null,
            SyntheticShape.Square => SquareUnit,
            SyntheticShape.Triangle => TriangleUnit,
            SyntheticShape.Diamond => DiamondUnit,
            SyntheticShape.Star => StarUnit,
            SyntheticShape.Hexagon => HexagonUnit,
            _ => throw new ArgumentOutOfRangeException(nameof(o)),
        };
        if (unit is null) return null;
        double s = o.Radius * ScaleOf(o.Shape);
        var points = new (double X, double Y)[unit.Length];
        for (int i = 0; i < unit.Length; i++) points[i] = (o.CenterX + s * unit[i].X, o.CenterY + s * unit[i].Y);
        return points;
    }

    /// <summary>
    /// Rasterises the full shape without anti-aliasing: a pixel is inside when its centre is (for polygons, the
    /// even-odd crossing rule, evaluated one row at a time).
    /// </summary>
    public static void Rasterise(SceneObject o, BinaryMask mask)
    {
        double extent = o.Radius * ExtentOf(o.Shape) + 1;
        int x0 = Math.Max(0, (int)Math.Floor(o.CenterX - extent)), x1 = Math.Min(mask.Width - 1, (int)Math.Ceiling(o.CenterX + extent));
        int y0 = Math.Max(0, (int)Math.Floor(o.CenterY - extent)), y1 = Math.Min(mask.Height - 1, (int)Math.Ceiling(o.CenterY + extent));
        var polygon = Polygon(o);
        var crossings = new List<double>(polygon?.Length ?? 0);
        for (int y = y0; y <= y1; y++)
        {
            double py = y + 0.5;
            if (polygon is null)
            {
                for (int x = x0; x <= x1; x++)
                    if (InsideCircle(o, x + 0.5, py)) mask.Data[y * mask.Width + x] = 1;
                continue;
            }
            // A pixel centre is inside when an odd number of edges cross its row to its right.
            crossings.Clear();
            for (int i = 0, j = polygon.Length - 1; i < polygon.Length; j = i++)
            {
                var (xi, yi) = polygon[i];
                var (xj, yj) = polygon[j];
                if ((yi > py) != (yj > py)) crossings.Add((xj - xi) * (py - yi) / (yj - yi) + xi);
            }
            if (crossings.Count == 0) continue;
            crossings.Sort();
            int passed = 0; // crossings at or left of the pixel centre
            for (int x = x0; x <= x1; x++)
            {
                double px = x + 0.5;
                while (passed < crossings.Count && crossings[passed] <= px) passed++;
                if (((crossings.Count - passed) & 1) == 1) mask.Data[y * mask.Width + x] = 1;
            }
        }
    }

    /// <summary>A Skia path of the outline shrunk towards the centre by <paramref name="inset"/> pixels (0 = exact).</summary>
    public static SKPath ToPath(SceneObject o, double inset)
    {
        var path = new SKPath();
        var polygon = Polygon(o);
        if (polygon is null)
        {
            path.AddCircle((float)o.CenterX, (float)o.CenterY, (float)Math.Max(0.5, o.Radius - inset));
            return path;
        }
        // The narrowest part of any outline is at least ~0.4 of its scale (the star's inner radius), so this keeps the inset visible.
        double k = Math.Max(0.1, 1 - inset / (0.8 * o.Radius));
        path.MoveTo(Shrink(polygon[0], o, k));
        for (int i = 1; i < polygon.Length; i++) path.LineTo(Shrink(polygon[i], o, k));
        path.Close();
        return path;
    }

    private static SKPoint Shrink((double X, double Y) p, SceneObject o, double k) =>
        new((float)(o.CenterX + k * (p.X - o.CenterX)), (float)(o.CenterY + k * (p.Y - o.CenterY)));

    private static bool InsideCircle(SceneObject o, double px, double py)
    {
        double dx = px - o.CenterX, dy = py - o.CenterY;
        return dx * dx + dy * dy <= o.Radius * o.Radius;
    }
}
