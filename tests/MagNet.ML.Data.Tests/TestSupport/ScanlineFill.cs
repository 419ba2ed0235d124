namespace MagNet.ML.Tests;

/// <summary>
/// An independent polygon rasteriser for checking COCO's: even-odd rule, a pixel is inside when its centre
/// (x + 0.5, y + 0.5) is. Plain scanline crossings, nothing shared with the code under test.
/// </summary>
internal static class ScanlineFill
{
    public static bool[,] Fill(int width, int height, params double[][] polygons)
    {
        var inside = new bool[height, width];
        foreach (var poly in polygons)
        {
            int n = poly.Length / 2;
            for (int y = 0; y < height; y++)
            {
                double cy = y + 0.5;
                var xs = new List<double>();
                for (int i = 0; i < n; i++)
                {
                    double x0 = poly[2 * i], y0 = poly[2 * i + 1];
                    double x1 = poly[2 * ((i + 1) % n)], y1 = poly[2 * ((i + 1) % n) + 1];
                    if ((y0 <= cy && cy < y1) || (y1 <= cy && cy < y0))
                        xs.Add(x0 + (cy - y0) * (x1 - x0) / (y1 - y0));
                }
                xs.Sort();
                for (int k = 0; k + 1 < xs.Count; k += 2)
                    for (int x = 0; x < width; x++)
                        if (x + 0.5 >= xs[k] && x + 0.5 < xs[k + 1]) inside[y, x] = true;
            }
        }
        return inside;
    }

    /// <summary>Intersection over union of a mask and a reference raster.</summary>
    public static double IoU(BinaryMask mask, bool[,] reference)
    {
        long intersection = 0, union = 0;
        for (int y = 0; y < mask.Height; y++)
            for (int x = 0; x < mask.Width; x++)
            {
                bool a = mask[x, y], b = reference[y, x];
                if (a && b) intersection++;
                if (a || b) union++;
            }
        return union == 0 ? 1 : (double)intersection / union;
    }
}
