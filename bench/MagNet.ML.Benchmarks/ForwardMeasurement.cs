namespace MagNet.ML.Benchmarks;

/// <summary>One row of the forward benchmark: a model at one thread count, with the matmul ceiling of the same run.</summary>
/// <param name="Time">Wall-clock seconds per forward pass.</param>
/// <param name="CpuTime">Process CPU seconds per forward pass (all threads): close to Time × threads when the threads
/// had the cores to themselves, much lower when they waited for other processes.</param>
internal sealed record ForwardMeasurement(string Model, int ImageSize, int Threads, TimingStatistics Time, TimingStatistics CpuTime,
    MagNetFlopCount Flops, double MatmulGflops)
{
    /// <summary>GFLOP of one forward pass (all linear, convolution and activation-product work).</summary>
    public double Gflop => Flops.Total / 1e9;

    /// <summary>Achieved GFLOP/s at the median time.</summary>
    public double AchievedGflops => Gflop / Time.Median;

    /// <summary>Achieved rate as a percentage of the 2048³ matmul rate.</summary>
    public double Utilisation => 100 * AchievedGflops / MatmulGflops;
}
