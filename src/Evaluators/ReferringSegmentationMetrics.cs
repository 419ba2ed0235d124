using System.Globalization;
using System.Text;

namespace MagNet.ML;

/// <summary>
/// Evaluation metrics for referring image segmentation, as LAVT's and MagNet's <c>test.py</c> compute them, plus
/// gRefCOCO's no-target metrics (ReLA <c>refer_evaluation.py</c>) when some ground-truth masks are empty.
/// </summary>
/// <remarks>
/// <para>Each row (one expression) contributes a prediction P and a ground truth G, both binary masks of the same size.
/// Per sample: <c>I = |P ∧ G|</c>, <c>U = |P ∨ G|</c>, <c>IoU = I / U</c>, and <c>IoU = 0</c> when <c>U = 0</c>
/// (LAVT's rule: an empty ground truth predicted empty scores 0 here).</para>
/// <para>The plain metrics (<see cref="OverallIoU"/>, <see cref="MeanIoU"/>, <see cref="PrecisionAt"/>,
/// <see cref="CumulativeIntersection"/>, <see cref="CumulativeUnion"/>, <see cref="Count"/>) cover <b>every</b> row,
/// empty ground truths included, exactly as LAVT's <c>test.py</c> would, so numbers on RefCOCO-style data are
/// comparable with the papers. When some ground truths are empty, read the gRefCOCO metrics
/// (<see cref="GeneralizedIoU"/>, <see cref="NoTargetAccuracy"/>, ...) instead: they credit a correct empty prediction.</para>
/// <para>Fractions are in [0, 1] (ML.NET style); papers print them ×100, as <see cref="ToString"/> does.</para>
/// <para>A prediction counts as "no target" exactly when its mask is empty. Only the evaluator creates instances.</para>
/// </remarks>
public sealed class ReferringSegmentationMetrics
{
    internal ReferringSegmentationMetrics(
        long count,
        long cumulativeIntersection,
        long cumulativeUnion,
        double meanIoU,
        IReadOnlyDictionary<double, double> precisionAt,
        long noTargetCount,
        double? generalizedIoU,
        double? cumulativeIoU,
        double? noTargetAccuracy,
        double? targetAccuracy,
        IReadOnlyDictionary<string, ReferringSegmentationMetrics>? groups = null)
    {
        Count = count;
        CumulativeIntersection = cumulativeIntersection;
        CumulativeUnion = cumulativeUnion;
        OverallIoU = cumulativeUnion == 0 ? double.NaN : (double)cumulativeIntersection / cumulativeUnion;
        MeanIoU = meanIoU;
        PrecisionAt = precisionAt;
        NoTargetCount = noTargetCount;
        GeneralizedIoU = generalizedIoU;
        CumulativeIoU = cumulativeIoU;
        NoTargetAccuracy = noTargetAccuracy;
        TargetAccuracy = targetAccuracy;
        Groups = groups ?? new Dictionary<string, ReferringSegmentationMetrics>();
    }

    /// <summary>Number of evaluated rows (expressions), empty ground truths included.</summary>
    public long Count { get; }

    /// <summary>Sum over rows of the intersection <c>I = |P ∧ G|</c> in pixels.</summary>
    public long CumulativeIntersection { get; }

    /// <summary>Sum over rows of the union <c>U = |P ∨ G|</c> in pixels.</summary>
    public long CumulativeUnion { get; }

    /// <summary>
    /// Overall IoU (oIoU; also called cIoU): <c>Σ_s I_s / Σ_s U_s</c> over all rows. In [0, 1], higher is better.
    /// It weighs each row by its area, so it favours large objects. <see cref="double.NaN"/> when every union is 0.
    /// </summary>
    public double OverallIoU { get; }

    /// <summary>
    /// Mean IoU (mIoU): <c>(1/N) Σ_s IoU_s</c> with <c>IoU_s = I_s / U_s</c>, and 0 when <c>U_s = 0</c> (LAVT's rule).
    /// In [0, 1], higher is better; every row weighs the same.
    /// </summary>
    public double MeanIoU { get; }

    /// <summary>
    /// Precision at IoU thresholds: threshold k → <c>|{s : IoU_s ≥ k}| / N</c> (a fraction in [0, 1]; <c>≥</c> as in
    /// LAVT). Holds 0.5, 0.6, 0.7, 0.8 and 0.9, plus any extra thresholds the evaluator was given.
    /// </summary>
    public IReadOnlyDictionary<double, double> PrecisionAt { get; }

    /// <summary>Precision at IoU ≥ 0.5 (Prec@0.5), a fraction; see <see cref="PrecisionAt"/>.</summary>
    public double PrecisionAt50 => PrecisionAt[0.5];

    /// <summary>Precision at IoU ≥ 0.6 (Prec@0.6), a fraction; see <see cref="PrecisionAt"/>.</summary>
    public double PrecisionAt60 => PrecisionAt[0.6];

    /// <summary>Precision at IoU ≥ 0.7 (Prec@0.7), a fraction; see <see cref="PrecisionAt"/>.</summary>
    public double PrecisionAt70 => PrecisionAt[0.7];

    /// <summary>Precision at IoU ≥ 0.8 (Prec@0.8), a fraction; see <see cref="PrecisionAt"/>.</summary>
    public double PrecisionAt80 => PrecisionAt[0.8];

    /// <summary>Precision at IoU ≥ 0.9 (Prec@0.9), a fraction; see <see cref="PrecisionAt"/>.</summary>
    public double PrecisionAt90 => PrecisionAt[0.9];

    /// <summary>Number of no-target rows (empty ground-truth mask). The gRefCOCO metrics are reported when it is above 0.</summary>
    public long NoTargetCount { get; }

    /// <summary>True when some ground truths are empty, so the gRefCOCO metrics below have values.</summary>
    public bool HasNoTargetRows => NoTargetCount > 0;

    /// <summary>
    /// gRefCOCO's generalized IoU (gIoU): mean per-row IoU where a no-target row predicted empty scores 1, a no-target
    /// row predicted non-empty scores 0, and a targeted row scores <c>I/U</c> (0 when predicted empty).
    /// In [0, 1]; null when no row has an empty ground truth.
    /// </summary>
    public double? GeneralizedIoU { get; }

    /// <summary>
    /// gRefCOCO's cumulative IoU (cIoU): <c>ΣI / ΣU</c> with ReLA's rules (a correct no-target row adds I = U = 0, a
    /// missed one adds its U, a targeted row predicted empty adds I = 0 and its U). Because a prediction is "no target"
    /// exactly when its mask is empty, this equals <see cref="OverallIoU"/>. Null when no row has an empty ground truth;
    /// <see cref="double.NaN"/> when every union is 0.
    /// </summary>
    public double? CumulativeIoU { get; }

    /// <summary>
    /// gRefCOCO's no-target accuracy (N-acc): <c>TP / (TP + FN)</c> over no-target rows, where TP is an empty prediction
    /// and FN a non-empty one. In [0, 1]; null when no row has an empty ground truth.
    /// </summary>
    public double? NoTargetAccuracy { get; }

    /// <summary>
    /// gRefCOCO's target accuracy (T-acc): <c>TN / (TN + FP)</c> over targeted rows, where TN is a non-empty prediction
    /// and FP an empty one. In [0, 1]; null when no row has an empty ground truth, <see cref="double.NaN"/> when every
    /// row has one.
    /// </summary>
    public double? TargetAccuracy { get; }

    /// <summary>Metrics of each group (for example a template family), keyed by group name; empty when rows had no group.</summary>
    public IReadOnlyDictionary<string, ReferringSegmentationMetrics> Groups { get; }

    /// <summary>A readable table of the metrics, ×100 as papers print them, with one line per group when there are groups.</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"Referring segmentation metrics ({Count} samples; IoU, precision and accuracy ×100; cum I and U in pixels)");
        sb.AppendLine(c, $"  {"oIoU",-10}{Percent(OverallIoU),8}");
        sb.AppendLine(c, $"  {"mIoU",-10}{Percent(MeanIoU),8}");
        foreach (var (threshold, precision) in PrecisionAt.OrderBy(p => p.Key))
            sb.AppendLine(c, $"  {"Prec@" + threshold.ToString(c),-10}{Percent(precision),8}");
        sb.AppendLine(c, $"  {"cum I",-10}{CumulativeIntersection,8}");
        sb.AppendLine(c, $"  {"cum U",-10}{CumulativeUnion,8}");
        if (HasNoTargetRows)
        {
            sb.AppendLine(c, $"No-target rows: {NoTargetCount} of {Count} (gRefCOCO rules)");
            sb.AppendLine(c, $"  {"gIoU",-10}{Percent(GeneralizedIoU!.Value),8}");
            sb.AppendLine(c, $"  {"cIoU",-10}{Percent(CumulativeIoU!.Value),8}");
            sb.AppendLine(c, $"  {"N-acc",-10}{Percent(NoTargetAccuracy!.Value),8}");
            sb.AppendLine(c, $"  {"T-acc",-10}{Percent(TargetAccuracy!.Value),8}");
        }
        if (Groups.Count > 0)
        {
            int width = Math.Max(5, Groups.Keys.Max(k => k.Length)) + 2;
            sb.Append("group".PadRight(width)).Append(c, $"{"count",8}{"oIoU",8}{"mIoU",8}");
            foreach (double threshold in PrecisionAt.Keys.Order())
                sb.Append(c, $"{"P@" + threshold.ToString(c),8}");
            sb.AppendLine();
            foreach (var (name, group) in Groups.OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                sb.Append(name.PadRight(width))
                  .Append(c, $"{group.Count,8}{Percent(group.OverallIoU),8}{Percent(group.MeanIoU),8}");
                foreach (var (_, precision) in group.PrecisionAt.OrderBy(p => p.Key))
                    sb.Append(c, $"{Percent(precision),8}");
                sb.AppendLine();
            }
        }
        return sb.ToString();
    }

    private static string Percent(double fraction) =>
        double.IsNaN(fraction) ? "n/a" : (100 * fraction).ToString("F2", CultureInfo.InvariantCulture);
}
