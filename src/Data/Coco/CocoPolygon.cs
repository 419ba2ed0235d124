namespace MagNet.ML;

/// <summary>
/// Rasterises COCO polygons exactly as pycocotools does (<c>maskApi.c</c> <c>rleFrPoly</c>): vertices are scaled
/// by 5 and rounded, every edge is walked pixel by pixel on that fine grid, the crossings of pixel-column centres
/// are brought back to the image grid, and the run lengths are built from them. The result is bit-identical to
/// <c>pycocotools.mask.frPyObjects(polygons, h, w)</c>.
/// </summary>
public static class CocoPolygon
{
    private const double Scale = 5;

    /// <summary>
    /// Rasterises one polygon given as <c>[x0, y0, x1, y1, ...]</c> (pixel coordinates, origin at the top-left
    /// corner of the first pixel) into an RLE of <paramref name="height"/> × <paramref name="width"/>.
    /// Parts outside the image are clipped, as in pycocotools.
    /// </summary>
    public static CocoRle ToRle(IReadOnlyList<double> xy, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(xy);
        if (xy.Count % 2 != 0)
            throw new InvalidDataException($"A polygon needs x,y pairs but has {xy.Count} coordinates.");
        if (height <= 0 || width <= 0)
            throw new ArgumentOutOfRangeException(nameof(height), $"Mask size {width}×{height} is empty.");
        int k = xy.Count / 2;
        if (k == 0) return new CocoRle(height, width, new long[] { (long)height * width });

        // Upsample and collect the points along the whole boundary, densely.
        var x = new int[k + 1];
        var y = new int[k + 1];
        for (int j = 0; j < k; j++) x[j] = (int)(Scale * xy[2 * j] + .5);
        x[k] = x[0];
        for (int j = 0; j < k; j++) y[j] = (int)(Scale * xy[2 * j + 1] + .5);
        y[k] = y[0];
        long total = 0;
        for (int j = 0; j < k; j++) total += Math.Max(Math.Abs(x[j] - x[j + 1]), Math.Abs(y[j] - y[j + 1])) + 1;
        var u = new int[total];
        var v = new int[total];
        int m = 0;
        for (int j = 0; j < k; j++)
        {
            int xs = x[j], xe = x[j + 1], ys = y[j], ye = y[j + 1];
            int dx = Math.Abs(xe - xs), dy = Math.Abs(ys - ye);
            bool flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip)
            {
                (xs, xe) = (xe, xs);
                (ys, ye) = (ye, ys);
            }
            double s = dx >= dy ? (double)(ye - ys) / dx : (double)(xe - xs) / dy;
            if (dx >= dy)
            {
                for (int d = 0; d <= dx; d++)
                {
                    int t = flip ? dx - d : d;
                    u[m] = t + xs;
                    v[m] = (int)(ys + s * t + .5);
                    m++;
                }
            }
            else
            {
                for (int d = 0; d <= dy; d++)
                {
                    int t = flip ? dy - d : d;
                    v[m] = t + ys;
                    u[m] = (int)(xs + s * t + .5);
                    m++;
                }
            }
        }

        // Keep the points where the boundary crosses a pixel-column centre, back on the image grid.
        int points = m;
        var bx = new List<int>();
        var by = new List<int>();
        for (int j = 1; j < points; j++)
        {
            if (u[j] == u[j - 1]) continue;
            double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
            xd = (xd + .5) / Scale - .5;
            if (Math.Floor(xd) != xd || xd < 0 || xd > width - 1) continue;
            double yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
            yd = (yd + .5) / Scale - .5;
            if (yd < 0) yd = 0;
            else if (yd > height) yd = height;
            yd = Math.Ceiling(yd);
            bx.Add((int)xd);
            by.Add((int)yd);
        }

        // Column-major positions of those boundary points, sorted, become the run lengths.
        var a = new long[bx.Count + 1];
        for (int j = 0; j < bx.Count; j++) a[j] = (long)bx[j] * height + by[j];
        a[bx.Count] = (long)height * width;
        Array.Sort(a);
        long previous = 0;
        for (int j = 0; j < a.Length; j++)
        {
            long t = a[j];
            a[j] -= previous;
            previous = t;
        }
        var b = new List<long>(a.Length) { a[0] };
        int i = 1;
        while (i < a.Length)
        {
            if (a[i] > 0)
            {
                b.Add(a[i++]);
            }
            else
            {
                i++;
                if (i < a.Length) b[^1] += a[i++];
            }
        }
        return new CocoRle(height, width, b);
    }

    /// <summary>Rasterises one polygon straight to a <see cref="BinaryMask"/> (see <see cref="ToRle"/>).</summary>
    public static BinaryMask ToMask(IReadOnlyList<double> xy, int height, int width) => ToRle(xy, height, width).Decode();
}
