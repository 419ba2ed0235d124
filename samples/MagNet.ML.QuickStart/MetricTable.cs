using System.Globalization;
using System.Text;

namespace MagNet.ML.QuickStart;

/// <summary>The quick start's result table: oIoU, mIoU and Prec@0.5..0.9 (×100) per split or template family.</summary>
internal static class MetricTable
{
    public static string Format(string title, IEnumerable<(string Name, ReferringSegmentationMetrics Metrics)> rows)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"{title,-22}{"rows",6}{"oIoU",8}{"mIoU",8}{"P@0.5",8}{"P@0.6",8}{"P@0.7",8}{"P@0.8",8}{"P@0.9",8}");
        foreach (var (name, m) in rows)
        {
            sb.Append(c, $"{name,-22}{m.Count,6}{100 * m.OverallIoU,8:F2}{100 * m.MeanIoU,8:F2}");
            foreach (double t in new[] { 0.5, 0.6, 0.7, 0.8, 0.9 }) sb.Append(c, $"{100 * m.PrecisionAt[t],8:F2}");
            sb.AppendLine();
        }
        return sb.ToString();
    }
}
