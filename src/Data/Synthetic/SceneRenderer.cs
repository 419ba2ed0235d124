using System.Runtime.InteropServices;
using SkiaSharp;

namespace MagNet.ML;

/// <summary>
/// Draws a scene: a light, low-saturation gradient with a faint texture and noise (so the background is never flat),
/// then every object in draw order, anti-aliased, as a dark rim around a lighter body of the object's colour
/// (the rim keeps touching objects of the same colour apart). Everything random comes from the scene's background seed.
/// </summary>
internal static class SceneRenderer
{
    private static readonly (byte R, byte G, byte B)[] Palette =
    [
        (220, 40, 40),   // red
        (40, 170, 60),   // green
        (45, 85, 225),   // blue
        (240, 210, 40),  // yellow
        (140, 60, 190),  // purple
        (40, 200, 210),  // cyan
        (128, 128, 128), // gray
        (140, 90, 40),   // brown
    ];

    /// <summary>The nominal RGB of a colour (before the ±7 % per-object shading).</summary>
    public static (byte R, byte G, byte B) Rgb(SyntheticColour colour) => Palette[(int)colour];

    /// <summary>Renders the image as opaque BGRA bytes, row-major.</summary>
    public static byte[] RenderBgra(SceneGraph scene)
    {
        using var bitmap = Render(scene);
        return bitmap.Bytes;
    }

    /// <summary>Renders the image and encodes it as PNG.</summary>
    public static byte[] RenderPng(SceneGraph scene)
    {
        using var bitmap = Render(scene);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new IOException("SkiaSharp could not encode the synthetic image as PNG.");
        return data.ToArray();
    }

    private static SKBitmap Render(SceneGraph scene)
    {
        int size = scene.CanvasSize;
        var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Bgra8888, SKAlphaType.Opaque));
        if (bitmap.RowBytes != size * 4) throw new InvalidOperationException("Unexpected row padding in the Skia bitmap.");
        byte[] background = Background(scene);
        Marshal.Copy(background, 0, bitmap.GetPixels(), background.Length);

        using var canvas = new SKCanvas(bitmap);
        double rim = Math.Max(1.0, size / 96.0);
        for (int i = 0; i < scene.Objects.Count; i++)
        {
            var o = scene.Objects[i];
            var shading = new SyntheticRandom(scene.BackgroundSeed, 1000UL + (ulong)i);
            double factor = shading.NextDouble(0.93, 1.07);
            var (r, g, b) = Rgb(o.Colour);
            using var outer = ShapeGeometry.ToPath(o, 0);
            using var inner = ShapeGeometry.ToPath(o, rim);
            using var rimPaint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill, Color = Shade(r, g, b, 0.55 * factor) };
            using var bodyPaint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill, Color = Shade(r, g, b, factor) };
            canvas.DrawPath(outer, rimPaint);
            canvas.DrawPath(inner, bodyPaint);
        }
        canvas.Flush();
        return bitmap;
    }

    private static SKColor Shade(byte r, byte g, byte b, double factor) =>
        new(Clamp(r * factor), Clamp(g * factor), Clamp(b * factor), 255);

    private static byte Clamp(double v) => (byte)Math.Clamp(Math.Round(v), 0, 255);

    /// <summary>Gradient between two light tints along a random direction, plus stripes or checks and per-pixel noise.</summary>
    private static byte[] Background(SceneGraph scene)
    {
        int size = scene.CanvasSize;
        var rng = new SyntheticRandom(scene.BackgroundSeed, 7UL);
        double lightA = rng.NextDouble(185, 225), lightB = lightA + (rng.Chance(0.5) ? 1 : -1) * rng.NextDouble(15, 35);
        var tintA = (rng.NextDouble(-12, 12), rng.NextDouble(-12, 12), rng.NextDouble(-12, 12));
        var tintB = (rng.NextDouble(-12, 12), rng.NextDouble(-12, 12), rng.NextDouble(-12, 12));
        double dirX = rng.NextDouble(-1, 1), dirY = rng.NextDouble(-1, 1);
        double norm = Math.Max(1e-6, (Math.Abs(dirX) + Math.Abs(dirY)) * size / 2);
        int texture = rng.NextInt(3);
        int period = rng.NextInt(Math.Max(3, size / 24), Math.Max(4, size / 10));
        double amplitude = rng.NextDouble(3, 7);
        var pixels = new byte[size * size * 4];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                double t = Math.Clamp(0.5 + ((x - size / 2.0) * dirX + (y - size / 2.0) * dirY) / (2 * norm), 0, 1);
                double texel = texture switch
                {
                    1 => ((x + y) / period) % 2 == 0 ? amplitude : -amplitude,
                    2 => ((x / period) + (y / period)) % 2 == 0 ? amplitude : -amplitude,
                    _ => 0,
                };
                double noise = rng.NextInt(-5, 5);
                double light = lightA + (lightB - lightA) * t + texel + noise;
                double red = light + tintA.Item1 + (tintB.Item1 - tintA.Item1) * t;
                double green = light + tintA.Item2 + (tintB.Item2 - tintA.Item2) * t;
                double blue = light + tintA.Item3 + (tintB.Item3 - tintA.Item3) * t;
                int o = (y * size + x) * 4;
                pixels[o] = Clamp(blue);
                pixels[o + 1] = Clamp(green);
                pixels[o + 2] = Clamp(red);
                pixels[o + 3] = 255;
            }
        return pixels;
    }
}
