using Microsoft.ML.Data;
using SkiaSharp;

namespace MagNet.ML.Visualization;

/// <summary>
/// Draws a predicted (or ground-truth) mask over its image: a translucent tint on the mask, a solid outline on its
/// boundary, and the expression as a caption bar under the image. Output is a PNG.
/// </summary>
public static class MaskOverlay
{
    /// <summary>Tint colour (RGB) and opacity inside the mask, and the outline colour on its boundary.</summary>
    public sealed record Style(byte Red = 255, byte Green = 40, byte Blue = 200, double TintOpacity = 0.5,
        byte OutlineRed = 255, byte OutlineGreen = 255, byte OutlineBlue = 255);

    /// <summary>
    /// Renders <paramref name="image"/> with <paramref name="mask"/> (same size) tinted and outlined, and
    /// <paramref name="caption"/> (may be null) printed under it, and returns PNG bytes.
    /// </summary>
    public static byte[] RenderPng(MLImage image, BinaryMask mask, string? caption, Style? style = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(mask);
        if (image.Width != mask.Width || image.Height != mask.Height)
            throw new ArgumentException($"The mask is {mask.Width}×{mask.Height} but the image is {image.Width}×{image.Height}.", nameof(mask));
        style ??= new Style();
        int w = image.Width, h = image.Height;
        int scale = Math.Max(1, w / 256 + 1);
        var lines = Wrap(caption ?? "", Math.Max(1, (w - 4) / (BitmapFont.GlyphWidth * scale)));
        int barHeight = lines.Count == 0 ? 0 : lines.Count * (BitmapFont.GlyphHeight * scale + 2) + 4;
        int height = h + barHeight;
        var rgba = new byte[w * height * 4];
        ReadOnlySpan<byte> src = image.Pixels;
        int bpp = image.BitsPerPixel / 8;
        bool bgra = image.PixelFormat == MLPixelFormat.Bgra32;
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            int i = y * w + x, s = i * bpp, d = i * 4;
            byte r, g, b;
            if (bpp == 1) { r = g = b = src[s]; }
            else if (bgra) { b = src[s]; g = src[s + 1]; r = src[s + 2]; }
            else { r = src[s]; g = src[s + 1]; b = src[s + 2]; }
            if (mask.Data[i] != 0)
            {
                if (IsBoundary(mask, x, y)) { r = style.OutlineRed; g = style.OutlineGreen; b = style.OutlineBlue; }
                else
                {
                    double a = style.TintOpacity;
                    r = (byte)Math.Round(r * (1 - a) + style.Red * a);
                    g = (byte)Math.Round(g * (1 - a) + style.Green * a);
                    b = (byte)Math.Round(b * (1 - a) + style.Blue * a);
                }
            }
            rgba[d] = r; rgba[d + 1] = g; rgba[d + 2] = b; rgba[d + 3] = 255;
        }
        for (int i = w * h * 4; i < rgba.Length; i += 4) { rgba[i] = rgba[i + 1] = rgba[i + 2] = 24; rgba[i + 3] = 255; }
        for (int line = 0; line < lines.Count; line++)
            DrawText(rgba, w, lines[line], 2, h + 3 + line * (BitmapFont.GlyphHeight * scale + 2), scale);
        return EncodePng(rgba, w, height);
    }

    /// <summary>Writes <see cref="RenderPng"/>'s output to <paramref name="path"/>.</summary>
    public static void SavePng(string path, MLImage image, BinaryMask mask, string? caption, Style? style = null) =>
        File.WriteAllBytes(path, RenderPng(image, mask, caption, style));

    private static bool IsBoundary(BinaryMask m, int x, int y) =>
        x == 0 || y == 0 || x == m.Width - 1 || y == m.Height - 1
        || m.Data[y * m.Width + x - 1] == 0 || m.Data[y * m.Width + x + 1] == 0
        || m.Data[(y - 1) * m.Width + x] == 0 || m.Data[(y + 1) * m.Width + x] == 0;

    private static List<string> Wrap(string text, int perLine)
    {
        var lines = new List<string>();
        var current = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = current.Length == 0 ? word : current + " " + word;
            if (candidate.Length <= perLine) { current = candidate; continue; }
            if (current.Length > 0) lines.Add(current);
            current = word.Length <= perLine ? word : word[..perLine];
        }
        if (current.Length > 0) lines.Add(current);
        return lines;
    }

    private static void DrawText(byte[] rgba, int width, string text, int left, int top, int scale)
    {
        for (int c = 0; c < text.Length; c++)
        for (int gy = 0; gy < BitmapFont.GlyphHeight; gy++)
        for (int gx = 0; gx < BitmapFont.GlyphWidth; gx++)
        {
            if (!BitmapFont.IsSet(text[c], gx, gy)) continue;
            for (int sy = 0; sy < scale; sy++)
            for (int sx = 0; sx < scale; sx++)
            {
                int x = left + (c * BitmapFont.GlyphWidth + gx) * scale + sx, y = top + gy * scale + sy;
                if (x >= width) continue;
                int d = (y * width + x) * 4;
                if (d + 3 >= rgba.Length) continue;
                rgba[d] = rgba[d + 1] = rgba[d + 2] = 255;
            }
        }
    }

    private static byte[] EncodePng(byte[] rgba, int width, int height)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100) ?? throw new IOException("SkiaSharp could not encode the overlay.");
        return data.ToArray();
    }
}
