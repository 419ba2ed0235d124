using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Transforms.Tests;

/// <summary>
/// A temporary folder with a 4×4 RGB image (R = 70x + 7y, G = 255 − R, B = 30) and a 3×2 mask (row-major
/// 1 0 1 / 0 1 0) as PNG files, plus helpers that load them through ML.NET's <c>LoadImages</c>.
/// </summary>
internal sealed class ImageFolderFixture : IDisposable
{
    public ImageFolderFixture()
    {
        Folder = TestImages.TempFolder();
        int[] red = new int[16], green = new int[16], blue = new int[16];
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++)
            {
                red[y * 4 + x] = 70 * x + 7 * y;
                green[y * 4 + x] = 255 - red[y * 4 + x];
                blue[y * 4 + x] = 30;
            }
        using (var image = TestImages.FromPlanes(4, 4, red, green, blue))
            image.Save(Path.Combine(Folder, "image.png"));
        new BinaryMask(3, 2, [1, 0, 1, 0, 1, 0]).SavePng(Path.Combine(Folder, "mask.png"));
    }

    public string Folder { get; }

    public sealed class PathRow
    {
        public string ImagePath { get; set; } = "image.png";
        public string MaskPath { get; set; } = "mask.png";
        public string Expression { get; set; } = "man on right";
    }

    /// <summary>Rows of paths (text columns ImagePath, MaskPath, Expression).</summary>
    public IDataView Paths(MLContext ml, int rows = 1) =>
        ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(_ => new PathRow()).ToArray());

    /// <summary>ML.NET's image loader for <paramref name="output"/> from <paramref name="input"/> paths.</summary>
    public IEstimator<ITransformer> Load(MLContext ml, string output, string input) =>
        ml.Transforms.LoadImages(output, Folder, input);

    /// <summary>Paths with Image and Mask loaded by <c>LoadImages</c> (lazily).</summary>
    public IDataView Loaded(MLContext ml, int rows = 1)
    {
        var paths = Paths(ml, rows);
        return Load(ml, "Image", "ImagePath").Append(Load(ml, "Mask", "MaskPath")).Fit(paths).Transform(paths);
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
