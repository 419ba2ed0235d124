namespace MagNet.ML;

/// <summary>
/// Accumulates per-row intersections and unions of predicted and ground-truth masks and turns them into
/// <see cref="ReferringSegmentationMetrics"/> (definitions there). Use it directly when masks are not in an
/// <c>IDataView</c>; <see cref="ReferringSegmentationEvaluator"/> uses it for data views. Not thread-safe.
/// </summary>
public sealed class ReferringSegmentationAccumulator
{
    /// <summary>The precision thresholds papers report: 0.5, 0.6, 0.7, 0.8, 0.9.</summary>
    public static IReadOnlyList<double> StandardThresholds { get; } = [0.5, 0.6, 0.7, 0.8, 0.9];

    private readonly double[] _thresholds;
    private readonly Tally _all;
    private readonly Dictionary<string, Tally> _groups = new(StringComparer.Ordinal);
    private readonly List<ReferringSegmentationSample>? _samples;

    /// <summary>Creates an empty accumulator.</summary>
    /// <param name="thresholds">
    /// Extra IoU thresholds in [0, 1] to report precision at; the <see cref="StandardThresholds"/> are always reported.
    /// </param>
    /// <param name="keepSamples">Keep every row's result in <see cref="Samples"/> (costs memory per row).</param>
    public ReferringSegmentationAccumulator(IEnumerable<double>? thresholds = null, bool keepSamples = false)
    {
        var all = new SortedSet<double>(StandardThresholds);
        foreach (double t in thresholds ?? [])
        {
            if (!(t >= 0 && t <= 1))
                throw new ArgumentOutOfRangeException(nameof(thresholds), t, "An IoU threshold must lie in [0, 1].");
            all.Add(t);
        }
        _thresholds = [.. all];
        _all = new Tally(_thresholds.Length);
        _samples = keepSamples ? [] : null;
    }

    /// <summary>The thresholds precision is reported at, ascending.</summary>
    public IReadOnlyList<double> Thresholds => _thresholds;

    /// <summary>Number of rows added so far.</summary>
    public long Count => _all.Count;

    /// <summary>Every row's result in the order added; null unless the accumulator was created with <c>keepSamples: true</c>.</summary>
    public IReadOnlyList<ReferringSegmentationSample>? Samples => _samples;

    /// <summary>
    /// Adds one row: two row-major masks of the same length, where any non-zero byte is foreground.
    /// </summary>
    /// <param name="groundTruth">The ground-truth mask; all zero marks a no-target row.</param>
    /// <param name="prediction">The predicted mask; all zero means "no target".</param>
    /// <param name="group">Optional group (for example a template family) for <see cref="MetricsByGroup"/>; null for none.</param>
    /// <param name="id">Optional identifier kept in <see cref="Samples"/>.</param>
    public void Add(ReadOnlySpan<byte> groundTruth, ReadOnlySpan<byte> prediction, string? group = null, string? id = null)
    {
        if (groundTruth.Length != prediction.Length)
            throw new ArgumentException(
                $"Mask sizes differ{Describe(id)}: ground truth has {groundTruth.Length} pixels, prediction {prediction.Length}.",
                nameof(prediction));
        long intersection = 0, gtArea = 0, predArea = 0;
        for (int i = 0; i < groundTruth.Length; i++)
        {
            bool g = groundTruth[i] != 0, p = prediction[i] != 0;
            if (g) gtArea++;
            if (p) predArea++;
            if (g && p) intersection++;
        }
        AddCounts(intersection, gtArea, predArea, group, id);
    }

    /// <summary>
    /// Adds one row given its pixel counts, for callers that count elsewhere (the union is
    /// <c>groundTruthArea + predictedArea − intersection</c>).
    /// </summary>
    /// <param name="intersection">Pixels foreground in both masks.</param>
    /// <param name="groundTruthArea">Foreground pixels of the ground truth; 0 marks a no-target row.</param>
    /// <param name="predictedArea">Foreground pixels of the prediction; 0 means "no target".</param>
    /// <param name="group">Optional group for <see cref="MetricsByGroup"/>; null for none.</param>
    /// <param name="id">Optional identifier kept in <see cref="Samples"/>.</param>
    public void AddCounts(long intersection, long groundTruthArea, long predictedArea, string? group = null, string? id = null)
    {
        if (groundTruthArea < 0 || predictedArea < 0 || intersection < 0
            || intersection > groundTruthArea || intersection > predictedArea)
            throw new ArgumentOutOfRangeException(nameof(intersection),
                $"Inconsistent counts{Describe(id)}: intersection {intersection}, ground-truth area {groundTruthArea}, " +
                $"predicted area {predictedArea} (need 0 ≤ intersection ≤ both areas).");
        long union = groundTruthArea + predictedArea - intersection;
        _samples?.Add(new ReferringSegmentationSample(_all.Count, id, group, intersection, union, groundTruthArea, predictedArea));
        _all.Add(intersection, union, groundTruthArea == 0, predictedArea == 0, _thresholds);
        if (group is not null)
        {
            if (!_groups.TryGetValue(group, out var tally))
                _groups.Add(group, tally = new Tally(_thresholds.Length));
            tally.Add(intersection, union, groundTruthArea == 0, predictedArea == 0, _thresholds);
        }
    }

    /// <summary>The metrics of every row added, with <see cref="ReferringSegmentationMetrics.Groups"/> filled when rows had groups.</summary>
    /// <exception cref="InvalidOperationException">No row has been added.</exception>
    public ReferringSegmentationMetrics Metrics
    {
        get
        {
            if (_all.Count == 0)
                throw new InvalidOperationException("No rows have been added to the accumulator; metrics need at least one.");
            return _all.ToMetrics(_thresholds, MetricsByGroup);
        }
    }

    /// <summary>The metrics of each group's rows, keyed by group; rows added without a group are only in <see cref="Metrics"/>.</summary>
    public IReadOnlyDictionary<string, ReferringSegmentationMetrics> MetricsByGroup =>
        _groups.ToDictionary(g => g.Key, g => g.Value.ToMetrics(_thresholds, null), StringComparer.Ordinal);

    private static string Describe(string? id) => id is null ? "" : $" for '{id}'";

    /// <summary>Running sums of one set of rows (all rows, or one group).</summary>
    private sealed class Tally(int thresholdCount)
    {
        public long Count;
        public long CumulativeIntersection;
        public long CumulativeUnion;
        public double SumIoU;
        public readonly long[] AtOrAbove = new long[thresholdCount];
        // gRefCOCO (ReLA refer_evaluation.py) sums.
        public long NoTargetCount;
        public long NoTargetPredictedEmpty;   // TP
        public long TargetPredictedNonEmpty;  // TN
        public double SumGeneralizedIoU;
        public long GeneralizedIntersection;
        public long GeneralizedUnion;

        public void Add(long intersection, long union, bool noTarget, bool predictedEmpty, double[] thresholds)
        {
            Count++;
            CumulativeIntersection += intersection;
            CumulativeUnion += union;
            double iou = union == 0 ? 0.0 : (double)intersection / union;  // LAVT: IoU = 0 when U = 0
            SumIoU += iou;
            for (int k = 0; k < thresholds.Length; k++)
                if (iou >= thresholds[k]) AtOrAbove[k]++;

            if (noTarget)
            {
                NoTargetCount++;
                if (predictedEmpty)
                {
                    NoTargetPredictedEmpty++;   // TP: IoU 1, adds I = U = 0
                    SumGeneralizedIoU += 1.0;
                }
                else
                {
                    GeneralizedUnion += union;  // FN: IoU 0, adds its U
                }
            }
            else
            {
                if (!predictedEmpty) TargetPredictedNonEmpty++;  // TN; otherwise FP with I = 0 already
                SumGeneralizedIoU += iou;
                GeneralizedIntersection += intersection;
                GeneralizedUnion += union;
            }
        }

        public ReferringSegmentationMetrics ToMetrics(double[] thresholds,
            IReadOnlyDictionary<string, ReferringSegmentationMetrics>? groups)
        {
            var precision = new Dictionary<double, double>(thresholds.Length);
            for (int k = 0; k < thresholds.Length; k++) precision[thresholds[k]] = (double)AtOrAbove[k] / Count;
            bool noTarget = NoTargetCount > 0;
            long targeted = Count - NoTargetCount;
            return new ReferringSegmentationMetrics(
                Count, CumulativeIntersection, CumulativeUnion, SumIoU / Count, precision, NoTargetCount,
                generalizedIoU: noTarget ? SumGeneralizedIoU / Count : null,
                cumulativeIoU: noTarget ? (GeneralizedUnion == 0 ? double.NaN : (double)GeneralizedIntersection / GeneralizedUnion) : null,
                noTargetAccuracy: noTarget ? (double)NoTargetPredictedEmpty / NoTargetCount : null,
                targetAccuracy: noTarget ? (targeted == 0 ? double.NaN : (double)TargetPredictedNonEmpty / targeted) : null,
                groups);
        }
    }
}
