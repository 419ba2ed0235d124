namespace MagNet.ML;

/// <summary>
/// Default column names shared by the MagNet.ML readers, transforms, trainer and evaluator.
/// Every API takes the name as a parameter; these are the defaults.
/// </summary>
public static class ReferringColumnNames
{
    /// <summary>Row identifier (text): sentence id for REFER data, the row id of JSONL/synthetic data.</summary>
    public const string Id = "Id";
    /// <summary>Path of the image file (text).</summary>
    public const string ImagePath = "ImagePath";
    /// <summary>The image (<c>MLImage</c>).</summary>
    public const string Image = "Image";
    /// <summary>The referring expression (text).</summary>
    public const string Expression = "Expression";
    /// <summary>Ground-truth mask (<c>MLImage</c>, same size as the image; any non-zero colour channel = foreground).</summary>
    public const string Mask = "Mask";
    /// <summary>Dataset split of the row (text), e.g. <c>train</c>, <c>val</c>, <c>testA</c>.</summary>
    public const string Split = "Split";
    /// <summary>Token ids of the expression (vector of Int64, length MaxTokens).</summary>
    public const string TokenIds = "TokenIds";
    /// <summary>Attention mask of the tokens (vector of Int64, 1 = token, 0 = padding).</summary>
    public const string AttentionMask = "AttentionMask";
    /// <summary>Preprocessed image (vector of Single, 3×S×S, planar RGB, ImageNet-normalised).</summary>
    public const string ImagePixels = "ImagePixels";
    /// <summary>Original image width in pixels (Int32).</summary>
    public const string ImageWidth = "ImageWidth";
    /// <summary>Original image height in pixels (Int32).</summary>
    public const string ImageHeight = "ImageHeight";
    /// <summary>Preprocessed mask (vector of Single, S×S, 0 or 1, nearest-neighbour resized).</summary>
    public const string MaskPixels = "MaskPixels";
    /// <summary>Predicted mask (vector of Byte, 0/1, row-major H×W at the original image size).</summary>
    public const string PredictedMask = "PredictedMask";
    /// <summary>Per-pixel foreground probability (vector of Single, row-major H×W at the original image size).</summary>
    public const string Probability = "Probability";
    /// <summary>Scalar confidence that the expression's target is present (Single).</summary>
    public const string Score = "Score";
}
