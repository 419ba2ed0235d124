namespace MagNet.ML;

/// <summary>
/// The result of one evaluated row, kept by a <see cref="ReferringSegmentationAccumulator"/> created with
/// <c>keepSamples: true</c>.
/// </summary>
public sealed class ReferringSegmentationSample
{
    internal ReferringSegmentationSample(long index, string? id, string? group, long intersection, long union,
        long groundTruthArea, long predictedArea)
    {
        Index = index;
        Id = id;
        Group = group;
        Intersection = intersection;
        Union = union;
        GroundTruthArea = groundTruthArea;
        PredictedArea = predictedArea;
    }

    /// <summary>Position of the row in the order rows were added (0-based).</summary>
    public long Index { get; }

    /// <summary>The identifier given with the row (a file name, a sentence id), or null.</summary>
    public string? Id { get; }

    /// <summary>The group given with the row, or null.</summary>
    public string? Group { get; }

    /// <summary>Intersection <c>I = |P ∧ G|</c> in pixels.</summary>
    public long Intersection { get; }

    /// <summary>Union <c>U = |P ∨ G|</c> in pixels.</summary>
    public long Union { get; }

    /// <summary>Foreground pixels of the ground truth <c>|G|</c>; 0 marks a no-target row.</summary>
    public long GroundTruthArea { get; }

    /// <summary>Foreground pixels of the prediction <c>|P|</c>; 0 means the prediction says "no target".</summary>
    public long PredictedArea { get; }

    /// <summary>True when the ground truth is empty (gRefCOCO's no-target row).</summary>
    public bool IsNoTarget => GroundTruthArea == 0;

    /// <summary><c>I / U</c>, and 0 when <c>U = 0</c> (LAVT's rule; <see cref="ReferringSegmentationMetrics.MeanIoU"/> averages this).</summary>
    public double IoU => Union == 0 ? 0.0 : (double)Intersection / Union;

    /// <summary>gRefCOCO's per-row IoU: 1 for a no-target row predicted empty, otherwise <see cref="IoU"/>.</summary>
    public double GeneralizedIoU => IsNoTarget && PredictedArea == 0 ? 1.0 : IoU;
}
