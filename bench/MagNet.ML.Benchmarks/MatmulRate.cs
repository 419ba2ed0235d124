using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Benchmarks;

/// <summary>
/// The float32 matrix-product rate of libtorch on this CPU with the current thread count: 2·n³ operations of an n×n by
/// n×n product (n = 2048). It is the ceiling against which the model's achieved rate is judged.
/// </summary>
internal static class MatmulRate
{
    public const int Size = 2048;

    /// <summary>GFLOP/s of the median of <paramref name="runs"/> products, after two warm-up products.</summary>
    public static double Measure(int runs = 5)
    {
        using var scope = NewDisposeScope();
        using var inference = torch.inference_mode();
        var a = torch.randn(Size, Size);
        var b = torch.randn(Size, Size);
        for (int i = 0; i < 2; i++) a.mm(b).Dispose();
        var seconds = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            using var product = a.mm(b);
            seconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return 2.0 * Size * Size * Size / TimingStatistics.Of(seconds).Median / 1e9;
    }
}
