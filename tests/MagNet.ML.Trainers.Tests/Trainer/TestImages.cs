using Microsoft.ML.Data;

namespace MagNet.ML.Tests.Trainer;

/// <summary>Opaque test images made from seeded random colours.</summary>
internal static class TestImages
{
    public static MLImage Random(int width, int height, int seed)
    {
        var random = new Random(seed);
        var bgra = new byte[width * height * 4];
        random.NextBytes(bgra);
        for (int i = 3; i < bgra.Length; i += 4) bgra[i] = 255;
        return MLImage.CreateFromPixels(width, height, MLPixelFormat.Bgra32, bgra);
    }
}
