using MagNet.ML.Internal;
using Microsoft.ML;

namespace MagNet.ML;

/// <summary>
/// Referring-image-segmentation components for ML.NET catalogs (<c>using MagNet.ML;</c> lights them up on
/// <c>mlContext.Transforms</c>).
/// </summary>
public static partial class ReferringSegmentationCatalog
{
    /// <summary>
    /// Tokenizes referring expressions for BERT the way LAVT and MagNet do: bert-base-uncased WordPiece, <c>[CLS]</c>
    /// ... <c>[SEP]</c>, cut to <paramref name="maxTokens"/> (a long expression loses <c>[SEP]</c>), padded with 0.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Token ids: vector of Int64, size <paramref name="maxTokens"/>.</param>
    /// <param name="inputColumnName">The expression: a text column.</param>
    /// <param name="maxTokens">Tokens per expression, special tokens included.</param>
    /// <param name="attentionMaskColumnName">Attention mask: vector of Int64, size <paramref name="maxTokens"/>, 1 = token, 0 = padding.</param>
    /// <param name="vocabularyPath">A BERT <c>vocab.txt</c>; null for the embedded bert-base-uncased vocabulary.</param>
    public static ExpressionTokenizingEstimator TokenizeReferringExpression(this TransformsCatalog catalog,
        string outputColumnName = ReferringColumnNames.TokenIds,
        string inputColumnName = ReferringColumnNames.Expression,
        int maxTokens = ExpressionTokenizer.DefaultMaxTokens,
        string attentionMaskColumnName = ReferringColumnNames.AttentionMask,
        string? vocabularyPath = null)
        => catalog.TokenizeReferringExpression(new ExpressionTokenizingEstimator.Options
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            MaxTokens = maxTokens,
            AttentionMaskColumnName = attentionMaskColumnName,
            VocabularyPath = vocabularyPath,
        });

    /// <summary>Tokenizes referring expressions with the given <paramref name="options"/>.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">Columns, token count, vocabulary.</param>
    public static ExpressionTokenizingEstimator TokenizeReferringExpression(this TransformsCatalog catalog, ExpressionTokenizingEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ExpressionTokenizingEstimator(CatalogEnvironment.Get(catalog), options);
    }

    /// <summary>
    /// Prepares images for the model: fill-resize to <paramref name="imageSize"/>² (Pillow-exact bilinear, aspect ratio
    /// ignored), ImageNet mean/std, planar CHW floats; also outputs the original width and height
    /// (<c>ImageWidth</c>, <c>ImageHeight</c>, Int32).
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Pixels: vector of Single, dimensions [3, S, S].</param>
    /// <param name="inputColumnName">The image: an MLImage column (from <c>LoadImages</c>).</param>
    /// <param name="imageSize">Side S of the square model input.</param>
    public static ReferringImagePreprocessingEstimator PreprocessReferringImage(this TransformsCatalog catalog,
        string outputColumnName = ReferringColumnNames.ImagePixels,
        string inputColumnName = ReferringColumnNames.Image,
        int imageSize = ImageTensorizer.DefaultImageSize)
        => catalog.PreprocessReferringImage(new ReferringImagePreprocessingEstimator.Options
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            ImageSize = imageSize,
        });

    /// <summary>Prepares images for the model with the given <paramref name="options"/>.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">Columns, size, normalisation.</param>
    public static ReferringImagePreprocessingEstimator PreprocessReferringImage(this TransformsCatalog catalog, ReferringImagePreprocessingEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ReferringImagePreprocessingEstimator(CatalogEnvironment.Get(catalog), options);
    }

    /// <summary>
    /// Prepares ground-truth masks for training: foreground where any colour channel is non-zero, Pillow-exact
    /// nearest-neighbour resize to <paramref name="imageSize"/>², floats 0/1.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Target: vector of Single, dimensions [S, S], 0 or 1.</param>
    /// <param name="inputColumnName">The mask: an MLImage column (from <c>LoadImages</c>).</param>
    /// <param name="imageSize">Side S of the square output (the image preprocessing's size).</param>
    public static ReferringMaskPreprocessingEstimator PreprocessReferringMask(this TransformsCatalog catalog,
        string outputColumnName = ReferringColumnNames.MaskPixels,
        string inputColumnName = ReferringColumnNames.Mask,
        int imageSize = ImageTensorizer.DefaultImageSize)
        => catalog.PreprocessReferringMask(new ReferringMaskPreprocessingEstimator.Options
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            ImageSize = imageSize,
        });

    /// <summary>Prepares ground-truth masks with the given <paramref name="options"/>.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">Columns and size.</param>
    public static ReferringMaskPreprocessingEstimator PreprocessReferringMask(this TransformsCatalog catalog, ReferringMaskPreprocessingEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ReferringMaskPreprocessingEstimator(CatalogEnvironment.Get(catalog), options);
    }
}
