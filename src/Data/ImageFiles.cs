using Microsoft.ML.Data;
using SkiaSharp;

namespace MagNet.ML;

/// <summary>Image file helpers shared by the readers: header-only size checks and decoding with clear errors.</summary>
internal static class ImageFiles
{
    /// <summary>Reads width and height from the file header without decoding pixels; false when it is not a readable image.</summary>
    public static bool TryReadSize(string path, out int width, out int height)
    {
        width = height = 0;
        try
        {
            using var codec = SKCodec.Create(path);
            if (codec is null) return false;
            width = codec.Info.Width;
            height = codec.Info.Height;
            return width > 0 && height > 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads an image's size from its header; throws <see cref="FileNotFoundException"/> or
    /// <see cref="InvalidDataException"/> prefixed with <paramref name="where"/> (the row at fault).
    /// </summary>
    public static (int Width, int Height) ReadSize(string path, string where)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{where}: image '{path}' does not exist.", path);
        if (!TryReadSize(path, out int w, out int h))
            throw new InvalidDataException($"{where}: image '{path}' is not a readable image (corrupt or unsupported format).");
        return (w, h);
    }

    /// <summary>
    /// Decodes an image into an <see cref="MLImage"/>; errors name <paramref name="where"/> and the file. When an
    /// expected size is given, a different decoded size is an error too (the mask would not fit the image).
    /// </summary>
    public static MLImage Load(string path, string where, int expectedWidth = 0, int expectedHeight = 0)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{where}: image '{path}' does not exist.", path);
        MLImage image;
        try
        {
            image = MLImage.CreateFromFile(path);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{where}: image '{path}' cannot be decoded ({e.Message}).", e);
        }
        if (expectedWidth > 0 && (image.Width != expectedWidth || image.Height != expectedHeight))
        {
            int w = image.Width, h = image.Height;
            image.Dispose();
            throw new InvalidDataException(
                $"{where}: image '{path}' is {w}×{h} but its annotation is for {expectedWidth}×{expectedHeight}.");
        }
        return image;
    }
}
