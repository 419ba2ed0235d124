using Microsoft.ML.Data;

namespace MagNet.ML.Transforms.Tests;

/// <summary>Builds small in-memory images for the tests.</summary>
internal static class TestImages
{
    /// <summary>An opaque BGRA image from per-pixel RGB values given as three row-major planes.</summary>
    public static MLImage FromPlanes(int width, int height, int[] red, int[] green, int[] blue)
    {
        var bgra = new byte[width * height * 4];
        for (int i = 0; i < width * height; i++)
        {
            bgra[4 * i] = (byte)blue[i];
            bgra[4 * i + 1] = (byte)green[i];
            bgra[4 * i + 2] = (byte)red[i];
            bgra[4 * i + 3] = 255;
        }
        return MLImage.CreateFromPixels(width, height, MLPixelFormat.Bgra32, bgra);
    }

    /// <summary>An opaque BGRA image from interleaved RGB bytes.</summary>
    public static MLImage FromRgb(int width, int height, byte[] rgb)
    {
        var bgra = new byte[width * height * 4];
        for (int i = 0; i < width * height; i++)
        {
            bgra[4 * i] = rgb[3 * i + 2];
            bgra[4 * i + 1] = rgb[3 * i + 1];
            bgra[4 * i + 2] = rgb[3 * i];
            bgra[4 * i + 3] = 255;
        }
        return MLImage.CreateFromPixels(width, height, MLPixelFormat.Bgra32, bgra);
    }

    /// <summary>A fresh temporary folder, deleted by the caller.</summary>
    public static string TempFolder()
    {
        string path = Path.Combine(Path.GetTempPath(), "magnet-transforms-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
