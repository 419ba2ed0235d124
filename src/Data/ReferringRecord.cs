using Microsoft.ML.Data;

namespace MagNet.ML;

/// <summary>
/// One referring-segmentation sample: an image, one expression and (for training/evaluation) its ground-truth mask.
/// Images and masks are produced lazily, so a data set of any size can be listed without decoding it.
/// </summary>
public sealed class ReferringRecord
{
    /// <summary>Unique row identifier (sentence id for REFER data; file-name safe).</summary>
    public required string Id { get; init; }

    /// <summary>The referring expression, as written (raw text).</summary>
    public required string Expression { get; init; }

    /// <summary>Path of the image file, or <c>null</c> when the image exists only in memory.</summary>
    public string? ImagePath { get; init; }

    /// <summary>Dataset split (<c>train</c>, <c>val</c>, <c>testA</c>, ...), or empty.</summary>
    public string Split { get; init; } = "";

    /// <summary>Creates the image; the caller owns (and disposes) the returned <see cref="MLImage"/>.</summary>
    public required Func<MLImage> LoadImage { get; init; }

    /// <summary>Creates the ground-truth mask at the image's size, or is <c>null</c> for unlabelled rows.</summary>
    public Func<BinaryMask>? LoadMask { get; init; }

    /// <summary>Further per-row fields (e.g. <c>ref_id</c>, <c>template</c>), as text.</summary>
    public IReadOnlyDictionary<string, string> Extras { get; init; } = new Dictionary<string, string>();
}
