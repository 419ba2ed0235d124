using Microsoft.ML;

namespace MagNet.ML;

/// <summary>Catalog entry point for evaluating referring image segmentation predictions.</summary>
public static class ReferringSegmentationEvaluationCatalog
{
    /// <summary>
    /// Evaluates predicted masks against ground-truth masks: overall IoU (ΣI/ΣU), mean IoU, precision at IoU ≥
    /// 0.5…0.9, and, when some ground truths are empty, gRefCOCO's gIoU, cIoU, N-acc and T-acc. Definitions are in
    /// <see cref="ReferringSegmentationMetrics"/>; accepted column types in <see cref="ReferringSegmentationEvaluator"/>.
    /// </summary>
    /// <param name="catalog">The transforms catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="data">Scored data holding both mask columns.</param>
    /// <param name="labelColumnName">Ground-truth mask column: an image or a Byte/Single/Boolean vector.</param>
    /// <param name="predictedMaskColumnName">Predicted mask column: an image or a Byte/Single/Boolean vector.</param>
    /// <param name="groupColumnName">Optional text column; metrics per value land in <see cref="ReferringSegmentationMetrics.Groups"/>.</param>
    /// <param name="thresholds">Extra IoU thresholds for precision; 0.5, 0.6, 0.7, 0.8 and 0.9 are always reported.</param>
    public static ReferringSegmentationMetrics EvaluateReferringSegmentation(
        this TransformsCatalog catalog,
        IDataView data,
        string labelColumnName = "Mask",
        string predictedMaskColumnName = "PredictedMask",
        string? groupColumnName = null,
        IEnumerable<double>? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        return new ReferringSegmentationEvaluator(labelColumnName, predictedMaskColumnName, groupColumnName, thresholds: thresholds)
            .Evaluate(data);
    }
}
