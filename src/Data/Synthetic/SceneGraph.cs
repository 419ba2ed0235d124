using System.Drawing;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Data;

namespace MagNet.ML;

/// <summary>
/// A synthetic scene: a square canvas, its objects in draw order (later ones occlude earlier ones) and the seed of its
/// background. Masks are rasterised exactly from the geometry (pixel centre inside the outline, no anti-aliasing);
/// the image is drawn with anti-aliasing from the same geometry. Immutable and safe to share between threads.
/// </summary>
public sealed class SceneGraph
{
    /// <summary>Fraction of the canvas side used as the margin of spatial relations and ordinals.</summary>
    public const double MarginFraction = 0.05;

    private readonly Lazy<BinaryMask[]> _shapeMasks;
    private readonly Lazy<BinaryMask[]> _visibleMasks;

    /// <summary>Creates a scene; <paramref name="objects"/> are listed in draw order.</summary>
    /// <param name="canvasSize">Side of the square canvas in pixels (at least 16).</param>
    /// <param name="objects">The objects, first drawn first.</param>
    /// <param name="backgroundSeed">Seed of the background's gradient, texture and noise and of per-object shading.</param>
    public SceneGraph(int canvasSize, IEnumerable<SceneObject> objects, ulong backgroundSeed = 0)
    {
        ArgumentNullException.ThrowIfNull(objects);
        if (canvasSize < 16)
            throw new ArgumentOutOfRangeException(nameof(canvasSize), $"The canvas must be at least 16 pixels wide, got {canvasSize}.");
        CanvasSize = canvasSize;
        var list = objects.ToArray();
        if (list.Any(o => o is null)) throw new ArgumentException("A scene object is null.", nameof(objects));
        Objects = Array.AsReadOnly(list);
        BackgroundSeed = backgroundSeed;
        Margin = MarginFraction * canvasSize;
        _shapeMasks = new Lazy<BinaryMask[]>(() => Objects.Select(RasteriseShape).ToArray());
        _visibleMasks = new Lazy<BinaryMask[]>(ComputeVisibleMasks);
    }

    /// <summary>Side of the square canvas in pixels.</summary>
    public int CanvasSize { get; }

    /// <summary>The objects in draw order; an object's index is its draw order and its id in JSON.</summary>
    public IReadOnlyList<SceneObject> Objects { get; }

    /// <summary>Seed of the background and of the per-object shading.</summary>
    public ulong BackgroundSeed { get; }

    /// <summary>
    /// Margin in pixels (<see cref="MarginFraction"/> × side): "A left of B" holds when A's centre is more than the margin
    /// left of B's; ordinals are only used when neighbours along the axis are more than the margin apart.
    /// </summary>
    public double Margin { get; }

    /// <summary>The full outline of object <paramref name="order"/>, ignoring occlusion (a new copy).</summary>
    public BinaryMask ShapeMask(int order) => Copy(_shapeMasks.Value[CheckOrder(order)]);

    /// <summary>The visible part of object <paramref name="order"/>: its outline minus every object drawn after it (a new copy).</summary>
    public BinaryMask VisibleMask(int order) => Copy(_visibleMasks.Value[CheckOrder(order)]);

    /// <summary>The union of the visible parts of <paramref name="orders"/> (all background when empty).</summary>
    public BinaryMask VisibleMask(IEnumerable<int> orders)
    {
        ArgumentNullException.ThrowIfNull(orders);
        var union = new BinaryMask(CanvasSize, CanvasSize);
        foreach (int order in orders) union.UnionWith(_visibleMasks.Value[CheckOrder(order)]);
        return union;
    }

    /// <summary>Number of pixels of the full outline of object <paramref name="order"/>.</summary>
    public long ShapeArea(int order) => _shapeMasks.Value[CheckOrder(order)].Area;

    /// <summary>Number of visible pixels of object <paramref name="order"/>.</summary>
    public long VisibleArea(int order) => _visibleMasks.Value[CheckOrder(order)].Area;

    /// <summary>The pixel bounding box of the full outline of object <paramref name="order"/> (empty if it is off the canvas).</summary>
    public Rectangle BoundingBox(int order)
    {
        var mask = _shapeMasks.Value[CheckOrder(order)];
        int minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1;
        for (int y = 0; y < mask.Height; y++)
            for (int x = 0; x < mask.Width; x++)
            {
                if (mask.Data[y * mask.Width + x] == 0) continue;
                minX = Math.Min(minX, x); maxX = Math.Max(maxX, x);
                minY = Math.Min(minY, y); maxY = Math.Max(maxY, y);
            }
        return maxX < 0 ? Rectangle.Empty : new Rectangle(minX, minY, maxX - minX + 1, maxY - minY + 1);
    }

    /// <summary>Renders the anti-aliased image as an opaque BGRA <see cref="MLImage"/> (the caller disposes it).</summary>
    public MLImage RenderImage() => MLImage.CreateFromPixels(CanvasSize, CanvasSize, MLPixelFormat.Bgra32, SceneRenderer.RenderBgra(this));

    /// <summary>Renders the anti-aliased image and encodes it as PNG (the same scene always gives the same bytes).</summary>
    public byte[] RenderPng() => SceneRenderer.RenderPng(this);

    /// <summary>
    /// The scene as JSON with a fixed property order: <c>width</c>, <c>height</c>, <c>margin</c> and <c>objects</c>, each
    /// with <c>order</c>, <c>shape</c>, <c>colour</c>, <c>size</c>, <c>center</c> [x, y], <c>radius</c>, <c>bbox</c>
    /// [x, y, w, h] of the full outline, <c>pixels</c> (full outline) and <c>visible_pixels</c>.
    /// </summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            WriteJson(writer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes the object described by <see cref="ToJson"/>.</summary>
    internal void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("width", CanvasSize);
        writer.WriteNumber("height", CanvasSize);
        writer.WriteNumber("margin", Margin);
        writer.WriteStartArray("objects");
        for (int i = 0; i < Objects.Count; i++)
        {
            var o = Objects[i];
            var box = BoundingBox(i);
            writer.WriteStartObject();
            writer.WriteNumber("order", i);
            writer.WriteString("shape", SyntheticWords.Name(o.Shape));
            writer.WriteString("colour", SyntheticWords.Name(o.Colour));
            writer.WriteString("size", SyntheticWords.Name(o.Size));
            writer.WriteStartArray("center");
            writer.WriteNumberValue(o.CenterX);
            writer.WriteNumberValue(o.CenterY);
            writer.WriteEndArray();
            writer.WriteNumber("radius", o.Radius);
            writer.WriteStartArray("bbox");
            writer.WriteNumberValue(box.X);
            writer.WriteNumberValue(box.Y);
            writer.WriteNumberValue(box.Width);
            writer.WriteNumberValue(box.Height);
            writer.WriteEndArray();
            writer.WriteNumber("pixels", _shapeMasks.Value[i].Area);
            writer.WriteNumber("visible_pixels", _visibleMasks.Value[i].Area);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>
    /// Rebuilds a scene from the JSON of <see cref="ToJson"/> (a row's <c>scene</c> in <c>data.jsonl</c>): its objects in
    /// draw order, so that <see cref="ShapeMask"/> and <see cref="VisibleMask(int)"/> are those of the original. The
    /// background seed is not part of the JSON: <see cref="RenderImage"/> of the result draws another background.
    /// </summary>
    /// <exception cref="InvalidDataException">The JSON is not such a scene, or an object's recorded pixel counts differ
    /// from its rebuilt masks (the message names the field or object).</exception>
    public static SceneGraph FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            int width = root.GetProperty("width").GetInt32(), height = root.GetProperty("height").GetInt32();
            if (width != height) throw new InvalidDataException($"A synthetic scene is square; this one is {width}×{height}.");
            var objects = new List<SceneObject>();
            var pixels = new List<(long Full, long Visible)>();
            foreach (var o in root.GetProperty("objects").EnumerateArray())
            {
                int order = o.GetProperty("order").GetInt32();
                if (order != objects.Count) throw new InvalidDataException($"Object {objects.Count} has order {order}; objects must be listed in draw order.");
                var center = o.GetProperty("center");
                objects.Add(new SceneObject(Word<SyntheticShape>(o, "shape"), Word<SyntheticColour>(o, "colour"), Word<SyntheticSize>(o, "size"),
                    center[0].GetDouble(), center[1].GetDouble(), o.GetProperty("radius").GetDouble()));
                pixels.Add((o.GetProperty("pixels").GetInt64(), o.GetProperty("visible_pixels").GetInt64()));
            }
            var scene = new SceneGraph(width, objects);
            for (int i = 0; i < objects.Count; i++)
                if (scene.ShapeArea(i) != pixels[i].Full || scene.VisibleArea(i) != pixels[i].Visible)
                    throw new InvalidDataException($"Object {i} ({objects[i]}) records {pixels[i].Full} pixels ({pixels[i].Visible} visible), " +
                                                   $"but its geometry gives {scene.ShapeArea(i)} ({scene.VisibleArea(i)} visible).");
            return scene;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException or ArgumentException)
        {
            throw new InvalidDataException($"Not a synthetic scene's JSON: {e.Message}", e);
        }
    }

    private static T Word<T>(JsonElement element, string property) where T : struct, Enum
    {
        string? word = element.GetProperty(property).GetString();
        return Enum.TryParse<T>(word, ignoreCase: true, out var value) && Enum.IsDefined(value) && !int.TryParse(word, out _)
            ? value
            : throw new InvalidDataException($"'{word}' is not a {property} of the synthetic set.");
    }

    private BinaryMask RasteriseShape(SceneObject o)
    {
        var mask = new BinaryMask(CanvasSize, CanvasSize);
        ShapeGeometry.Rasterise(o, mask);
        return mask;
    }

    private BinaryMask[] ComputeVisibleMasks()
    {
        var shapes = _shapeMasks.Value;
        var visible = new BinaryMask[shapes.Length];
        var coveredLater = new BinaryMask(CanvasSize, CanvasSize);
        for (int i = shapes.Length - 1; i >= 0; i--)
        {
            visible[i] = Copy(shapes[i]);
            visible[i].ExceptWith(coveredLater);
            coveredLater.UnionWith(shapes[i]);
        }
        return visible;
    }

    private int CheckOrder(int order)
    {
        if ((uint)order >= (uint)Objects.Count)
            throw new ArgumentOutOfRangeException(nameof(order), $"The scene has {Objects.Count} objects; there is no object {order}.");
        return order;
    }

    private static BinaryMask Copy(BinaryMask mask) => new(mask.Width, mask.Height, (byte[])mask.Data.Clone());
}
