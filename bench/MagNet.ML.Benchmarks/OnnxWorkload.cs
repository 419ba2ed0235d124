using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Benchmarks;

/// <summary>
/// The image–expression pairs every path of the <c>onnx</c> benchmark runs: the first rows of the synthetic set
/// (<see cref="SyntheticReferringDataset"/>, fixed seed) at the model's image size, each scene rendered once to
/// pixels so that no path pays for drawing it. The data view's cursor makes an <see cref="MLImage"/> from those pixels
/// for every row it reads, the cost of an image already decoded; <see cref="PreparedBatch"/> does the same.
/// </summary>
internal sealed class OnnxWorkload
{
    private readonly byte[][] _pixels;
    private readonly MLPixelFormat[] _formats;
    private readonly string[] _expressions;

    private OnnxWorkload(int imageSize, byte[][] pixels, MLPixelFormat[] formats, string[] expressions)
    {
        ImageSize = imageSize;
        _pixels = pixels;
        _formats = formats;
        _expressions = expressions;
    }

    /// <summary>Renders the first <paramref name="count"/> rows of the synthetic validation split at <paramref name="imageSize"/>².</summary>
    public static OnnxWorkload Create(int imageSize, int count, int seed = 1)
    {
        var records = new SyntheticReferringDataset(new SyntheticReferringDataset.Options
        {
            Seed = seed, Size = imageSize, Count = count, Split = SyntheticSplits.Val,
        }).Generate();
        var pixels = new byte[records.Count][];
        var formats = new MLPixelFormat[records.Count];
        for (int i = 0; i < records.Count; i++)
        {
            using var image = records[i].LoadImage();
            pixels[i] = image.Pixels.ToArray();
            formats[i] = image.PixelFormat;
        }
        return new OnnxWorkload(imageSize, pixels, formats, records.Select(r => r.Expression).ToArray());
    }

    /// <summary>Side of every image (the model's image size).</summary>
    public int ImageSize { get; }

    /// <summary>Number of pairs.</summary>
    public int Count => _expressions.Length;

    /// <summary>The referring expression of pair <paramref name="row"/>.</summary>
    public string Expression(int row) => _expressions[row];

    /// <summary>A new image of pair <paramref name="row"/> (the caller disposes it).</summary>
    public MLImage Image(int row) => MLImage.CreateFromPixels(ImageSize, ImageSize, _formats[row], _pixels[row]);

    /// <summary>The first <paramref name="rows"/> pairs as a data view with <c>Image</c> (MLImage) and <c>Expression</c> columns.</summary>
    public IDataView DataView(MLContext ml, int rows)
    {
        if (rows > Count) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"Only {Count} pairs were rendered.");
        var records = Enumerable.Range(0, rows).Select(row => new ReferringRecord
        {
            Id = $"pair-{row}",
            Expression = _expressions[row],
            LoadImage = () => Image(row),
        }).ToList();
        return ReferringDatasets.FromRecords(ml, records);
    }
}
