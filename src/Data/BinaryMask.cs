using Microsoft.ML.Data;
using SkiaSharp;

namespace MagNet.ML;

/// <summary>
/// A binary segmentation mask: <see cref="Width"/> × <see cref="Height"/> pixels stored row-major, one byte per pixel
/// (0 = background, 1 = foreground). Converts to and from 0/255 PNG files and <see cref="MLImage"/>.
/// </summary>
public sealed class BinaryMask
{
    /// <summary>Creates an all-background mask.</summary>
    public BinaryMask(int width, int height)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"A mask needs a positive size, got {width}×{height}.");
        Width = width;
        Height = height;
        Data = new byte[checked(width * height)];
    }

    /// <summary>Wraps row-major 0/1 data (not copied). Any non-zero byte is taken as foreground and stored as 1.</summary>
    public BinaryMask(int width, int height, byte[] data) : this(width, height)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != width * height)
            throw new ArgumentException($"Mask data has {data.Length} bytes but {width}×{height} needs {width * height}.", nameof(data));
        for (int i = 0; i < data.Length; i++) Data[i] = data[i] != 0 ? (byte)1 : (byte)0;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Row-major pixels, 0 or 1; index <c>y * Width + x</c>.</summary>
    public byte[] Data { get; }

    /// <summary>Gets or sets one pixel.</summary>
    public bool this[int x, int y]
    {
        get => Data[y * Width + x] != 0;
        set => Data[y * Width + x] = value ? (byte)1 : (byte)0;
    }

    /// <summary>Number of foreground pixels.</summary>
    public long Area
    {
        get
        {
            long n = 0;
            foreach (byte b in Data) n += b;
            return n;
        }
    }

    /// <summary>True when no pixel is foreground (a no-target mask).</summary>
    public bool IsEmpty => Area == 0;

    /// <summary>Sets every pixel that is foreground in <paramref name="other"/> (same size required).</summary>
    public void UnionWith(BinaryMask other)
    {
        RequireSameSize(other);
        for (int i = 0; i < Data.Length; i++) Data[i] |= other.Data[i];
    }

    /// <summary>Clears every pixel that is foreground in <paramref name="other"/> (same size required).</summary>
    public void ExceptWith(BinaryMask other)
    {
        RequireSameSize(other);
        for (int i = 0; i < Data.Length; i++) Data[i] &= (byte)(1 - other.Data[i]);
    }

    /// <summary>Writes a single-channel 8-bit PNG with 0 for background and 255 for foreground.</summary>
    public void SavePng(string path)
    {
        using var stream = File.Create(path);
        SavePng(stream);
    }

    /// <summary>Writes a single-channel 8-bit PNG with 0 for background and 255 for foreground.</summary>
    public void SavePng(Stream stream)
    {
        var info = new SKImageInfo(Width, Height, SKColorType.Gray8, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        var pixels = new byte[Data.Length];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = Data[i] != 0 ? (byte)255 : (byte)0;
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new IOException("SkiaSharp could not encode the mask as PNG.");
        data.SaveTo(stream);
    }

    /// <summary>
    /// Reads a mask image (PNG, JPEG, ...). A pixel is foreground when any of its red, green or blue values is non-zero.
    /// Throws <see cref="InvalidDataException"/> naming the file when it cannot be decoded.
    /// </summary>
    public static BinaryMask LoadImage(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Mask file '{path}' does not exist.", path);
        using var bitmap = SKBitmap.Decode(path)
            ?? throw new InvalidDataException($"Mask file '{path}' is not a readable image (corrupt or unsupported format).");
        return FromBitmap(bitmap);
    }

    /// <summary>Reads a mask from an <see cref="MLImage"/>: foreground where any of red, green or blue is non-zero.</summary>
    public static BinaryMask FromMLImage(MLImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var mask = new BinaryMask(image.Width, image.Height);
        ReadOnlySpan<byte> pixels = image.Pixels;
        int channels = image.BitsPerPixel / 8;
        // MLImage stores 32-bit BGRA/RGBA (alpha last) or 8-bit gray; colour channels are all but the 4th byte.
        int colour = channels == 4 ? 3 : channels;
        for (int i = 0; i < mask.Data.Length; i++)
        {
            int o = i * channels;
            byte any = 0;
            for (int c = 0; c < colour; c++) any |= pixels[o + c];
            mask.Data[i] = any != 0 ? (byte)1 : (byte)0;
        }
        return mask;
    }

    /// <summary>Creates an opaque BGRA <see cref="MLImage"/> with white foreground and black background.</summary>
    public MLImage ToMLImage()
    {
        var bgra = new byte[Data.Length * 4];
        for (int i = 0; i < Data.Length; i++)
        {
            byte v = Data[i] != 0 ? (byte)255 : (byte)0;
            bgra[4 * i] = v; bgra[4 * i + 1] = v; bgra[4 * i + 2] = v; bgra[4 * i + 3] = 255;
        }
        return MLImage.CreateFromPixels(Width, Height, MLPixelFormat.Bgra32, bgra);
    }

    private static BinaryMask FromBitmap(SKBitmap source)
    {
        using var bitmap = source.ColorType == SKColorType.Bgra8888 ? null : source.Copy(SKColorType.Bgra8888);
        var bgra = (bitmap ?? source).Bytes;
        var mask = new BinaryMask(source.Width, source.Height);
        for (int i = 0; i < mask.Data.Length; i++)
            mask.Data[i] = (bgra[4 * i] | bgra[4 * i + 1] | bgra[4 * i + 2]) != 0 ? (byte)1 : (byte)0;
        return mask;
    }

    private void RequireSameSize(BinaryMask other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Width != Width || other.Height != Height)
            throw new ArgumentException($"Mask sizes differ: {Width}×{Height} and {other.Width}×{other.Height}.", nameof(other));
    }
}
