namespace MagNet.ML.Benchmarks;

/// <summary>Median and minimum of repeated wall-clock measurements, in seconds.</summary>
internal sealed record TimingStatistics(double Median, double Min, int Count)
{
    public static TimingStatistics Of(IReadOnlyList<double> seconds)
    {
        if (seconds.Count == 0) throw new ArgumentException("At least one measurement is needed.", nameof(seconds));
        var sorted = seconds.Order().ToArray();
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new TimingStatistics(median, sorted[0], n);
    }
}
