namespace MagNet.ML.Benchmarks;

/// <summary>One row of the <c>onnx</c> benchmark: one path at one model, thread count and batch size.</summary>
/// <param name="Time">Wall-clock seconds per batch (one pass over <paramref name="Batch"/> pairs).</param>
/// <param name="CpuTime">Process CPU seconds per batch (all threads).</param>
/// <param name="GflopPerPair">GFLOP of one pair's forward pass (<c>MagNetFlops.Count</c>).</param>
/// <param name="MatmulGflops">The 2048³ matmul rate at this thread count, measured in the same run.</param>
/// <param name="OrtArena">Whether ONNX Runtime's CPU memory arena was on in this cell's sessions.</param>
/// <param name="Rounds">Wall-clock seconds per batch of every timed round, in round order (the other paths' rounds line up).</param>
internal sealed record OnnxMeasurement(string Model, int ImageSize, int Threads, int Batch, InferencePath Path,
    TimingStatistics Time, TimingStatistics CpuTime, double GflopPerPair, double MatmulGflops, bool OrtArena, IReadOnlyList<double> Rounds)
{
    /// <summary>Median seconds per pair.</summary>
    public double SecondsPerPair => Time.Median / Batch;

    /// <summary>Pairs per second at the median.</summary>
    public double PairsPerSecond => Batch / Time.Median;

    /// <summary>Achieved GFLOP/s: the batch's work over its median time.</summary>
    public double AchievedGflops => GflopPerPair * Batch / Time.Median;

    /// <summary>Achieved rate as a percentage of the matmul rate.</summary>
    public double Utilisation => 100 * AchievedGflops / MatmulGflops;
}
