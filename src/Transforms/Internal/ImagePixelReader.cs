using Microsoft.ML.Data;

namespace MagNet.ML.Internal;

/// <summary>Reads the colours of an <see cref="MLImage"/> as interleaved 8-bit RGB with straight (not premultiplied) alpha.</summary>
internal static class ImagePixelReader
{
    /// <summary>
    /// Returns <c>Width × Height × 3</c> bytes, row-major, R G B per pixel. <see cref="MLImage"/> stores BGRA or RGBA with
    /// premultiplied alpha: opaque pixels are copied as they are; a translucent pixel's colour is unpremultiplied
    /// (round(c × 255 / a), at most 255); a fully transparent pixel has lost its colour and reads as black. Alpha is then
    /// dropped, as PIL's <c>convert("RGB")</c> does.
    /// </summary>
    public static byte[] ReadRgb(MLImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int width = image.Width, height = image.Height;
        ReadOnlySpan<byte> pixels = image.Pixels;
        int stride = pixels.Length / height;
        if (image.BitsPerPixel != 32 || stride < width * 4)
            throw new InvalidDataException($"Unsupported MLImage layout: {image.BitsPerPixel} bits per pixel, {pixels.Length} bytes for {width}×{height}.");
        (int r, int b) = image.PixelFormat switch
        {
            MLPixelFormat.Bgra32 => (2, 0),
            MLPixelFormat.Rgba32 => (0, 2),
            _ => throw new InvalidDataException($"Unsupported MLImage pixel format {image.PixelFormat}."),
        };
        var rgb = new byte[checked(width * height * 3)];
        int o = 0;
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = pixels.Slice(y * stride, width * 4);
            for (int x = 0; x < width; x++, o += 3)
            {
                int p = x * 4;
                byte alpha = row[p + 3];
                rgb[o] = Unpremultiply(row[p + r], alpha);
                rgb[o + 1] = Unpremultiply(row[p + 1], alpha);
                rgb[o + 2] = Unpremultiply(row[p + b], alpha);
            }
        }
        return rgb;
    }

    /// <summary>Straight colour value of a premultiplied one: c when opaque, 0 when transparent, else round(c·255/a) ≤ 255.</summary>
    public static byte Unpremultiply(byte value, byte alpha) => alpha switch
    {
        255 => value,
        0 => 0,
        _ => (byte)Math.Min(255, (value * 255 + alpha / 2) / alpha),
    };
}
