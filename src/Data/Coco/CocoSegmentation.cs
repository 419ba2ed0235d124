using System.Globalization;
using System.Text.Json;

namespace MagNet.ML;

/// <summary>
/// The <c>segmentation</c> of a COCO annotation: either a list of polygons <c>[[x0,y0,x1,y1,...],...]</c> or a
/// run-length encoding <c>{"size": [h, w], "counts": ...}</c> whose counts are a list of integers (uncompressed)
/// or COCO's compressed string. Decodes with COCO's rules (<see cref="CocoPolygon"/>, <see cref="CocoRle"/>).
/// </summary>
public sealed class CocoSegmentation
{
    private readonly IReadOnlyList<IReadOnlyList<double>>? _polygons;
    private readonly CocoRle? _rle;
    private readonly string? _compressedCounts;
    private readonly int _rleHeight, _rleWidth;

    private CocoSegmentation(IReadOnlyList<IReadOnlyList<double>>? polygons, CocoRle? rle, string? compressed, int h, int w)
    {
        _polygons = polygons;
        _rle = rle;
        _compressedCounts = compressed;
        _rleHeight = h;
        _rleWidth = w;
    }

    /// <summary>Polygons, each <c>[x0, y0, x1, y1, ...]</c>. Throws <see cref="InvalidDataException"/> for odd or non-finite coordinates.</summary>
    public static CocoSegmentation FromPolygons(IReadOnlyList<IReadOnlyList<double>> polygons)
    {
        ArgumentNullException.ThrowIfNull(polygons);
        for (int p = 0; p < polygons.Count; p++)
        {
            var polygon = polygons[p] ?? throw new InvalidDataException($"polygon {p} is null.");
            if (polygon.Count % 2 != 0)
                throw new InvalidDataException($"polygon {p} has {polygon.Count} coordinates; it needs x,y pairs.");
            for (int i = 0; i < polygon.Count; i++)
                if (!double.IsFinite(polygon[i]))
                    throw new InvalidDataException($"polygon {p} coordinate {i} is not a finite number.");
        }
        return new CocoSegmentation(polygons, null, null, 0, 0);
    }

    /// <summary>An RLE with uncompressed counts.</summary>
    public static CocoSegmentation FromRle(CocoRle rle)
    {
        ArgumentNullException.ThrowIfNull(rle);
        return new CocoSegmentation(null, rle, null, rle.Height, rle.Width);
    }

    /// <summary>An RLE with COCO's compressed string counts; decoded when the mask is made or validated.</summary>
    public static CocoSegmentation FromCompressedRle(string counts, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (height <= 0 || width <= 0)
            throw new InvalidDataException($"RLE size [{height}, {width}] is not positive.");
        return new CocoSegmentation(null, null, counts, height, width);
    }

    /// <summary>True for polygon segmentations, false for RLE.</summary>
    public bool IsPolygons => _polygons is not null;

    /// <summary>The polygons, or <c>null</c> for an RLE segmentation.</summary>
    public IReadOnlyList<IReadOnlyList<double>>? Polygons => _polygons;

    /// <summary>
    /// Makes the mask at the image size. Polygons are rasterised one by one (<see cref="CocoPolygon"/>); polygons
    /// with fewer than three points enclose nothing and are ignored. Where polygons overlap, a pixel is foreground
    /// when it is covered at least once, or — with <paramref name="overlapAsBackground"/> — exactly once, which is
    /// what the REFER loaders compute (<c>sum</c> of the polygon masks, then <c>mask == 1</c>). An RLE must have the
    /// image's size. Throws <see cref="InvalidDataException"/> describing the fault.
    /// </summary>
    public BinaryMask ToMask(int height, int width, bool overlapAsBackground = false)
    {
        if (height <= 0 || width <= 0)
            throw new InvalidDataException($"image size {width}×{height} is not positive.");
        if (_polygons is null)
        {
            var rle = GetRle();
            if (rle.Height != height || rle.Width != width)
                throw new InvalidDataException(
                    $"RLE size [{rle.Height}, {rle.Width}] differs from the image size [{height}, {width}] (height, width).");
            return rle.Decode();
        }

        var coverage = new byte[height * width];
        foreach (var polygon in _polygons)
        {
            if (polygon.Count < 6) continue;
            var one = CocoPolygon.ToMask(polygon, height, width);
            for (int i = 0; i < coverage.Length; i++)
                if (one.Data[i] != 0 && coverage[i] < 2) coverage[i]++;
        }
        var mask = new BinaryMask(width, height);
        for (int i = 0; i < coverage.Length; i++)
            mask.Data[i] = (byte)(overlapAsBackground ? (coverage[i] == 1 ? 1 : 0) : (coverage[i] >= 1 ? 1 : 0));
        return mask;
    }

    /// <summary>
    /// Checks the segmentation against the image without rasterising it: every polygon vertex lies within the
    /// image extended by <paramref name="tolerance"/> pixels, an RLE has the image's size and its counts fill it.
    /// Throws <see cref="InvalidDataException"/> describing the first fault.
    /// </summary>
    public void Validate(int height, int width, double tolerance)
    {
        if (_polygons is null)
        {
            var rle = GetRle();
            if (rle.Height != height || rle.Width != width)
                throw new InvalidDataException(
                    $"RLE size [{rle.Height}, {rle.Width}] differs from the image size [{height}, {width}] (height, width).");
            return;
        }
        for (int p = 0; p < _polygons.Count; p++)
        {
            var polygon = _polygons[p];
            for (int i = 0; i + 1 < polygon.Count; i += 2)
            {
                double x = polygon[i], y = polygon[i + 1];
                if (x < -tolerance || x > width + tolerance || y < -tolerance || y > height + tolerance)
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                        $"polygon {p} vertex {i / 2} ({x}, {y}) lies outside the {width}×{height} image."));
            }
        }
    }

    /// <summary>
    /// Reads a COCO <c>segmentation</c> JSON value: a polygon list, or an RLE object with <c>size</c> and
    /// <c>counts</c>. Throws <see cref="InvalidDataException"/> describing what is malformed.
    /// </summary>
    public static CocoSegmentation Parse(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                var polygons = new List<IReadOnlyList<double>>();
                int p = 0;
                foreach (var polygon in element.EnumerateArray())
                {
                    if (polygon.ValueKind != JsonValueKind.Array)
                        throw new InvalidDataException(
                            $"polygon {p} is a {Describe(polygon.ValueKind)}; polygons are written [[x0,y0,x1,y1,...],...].");
                    var xy = new List<double>(polygon.GetArrayLength());
                    foreach (var c in polygon.EnumerateArray())
                    {
                        if (c.ValueKind != JsonValueKind.Number)
                            throw new InvalidDataException($"polygon {p} has a {Describe(c.ValueKind)} where a coordinate belongs.");
                        xy.Add(c.GetDouble());
                    }
                    polygons.Add(xy);
                    p++;
                }
                return FromPolygons(polygons);
            case JsonValueKind.Object:
                if (!element.TryGetProperty("size", out var size) || size.ValueKind != JsonValueKind.Array
                    || size.GetArrayLength() != 2 || !size[0].TryGetInt32(out int h) || !size[1].TryGetInt32(out int w))
                    throw new InvalidDataException("RLE needs \"size\": [height, width] with two integers.");
                if (!element.TryGetProperty("counts", out var counts))
                    throw new InvalidDataException("RLE has no \"counts\".");
                if (counts.ValueKind == JsonValueKind.String)
                    return FromCompressedRle(counts.GetString()!, h, w);
                if (counts.ValueKind != JsonValueKind.Array)
                    throw new InvalidDataException(
                        $"RLE \"counts\" is a {Describe(counts.ValueKind)}; it must be a string or a list of integers.");
                var values = new List<long>(counts.GetArrayLength());
                foreach (var c in counts.EnumerateArray())
                {
                    if (!c.TryGetInt64(out long value))
                        throw new InvalidDataException($"RLE \"counts\" item {values.Count} is not an integer.");
                    values.Add(value);
                }
                return FromRle(new CocoRle(h, w, values));
            default:
                throw new InvalidDataException(
                    $"segmentation is a {Describe(element.ValueKind)}; expected a polygon list or an RLE object.");
        }
    }

    private CocoRle GetRle() => _rle ?? CocoRle.FromCompressedString(_compressedCounts!, _rleHeight, _rleWidth);

    internal static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "list",
        JsonValueKind.Object => "object",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "missing value",
    };
}
