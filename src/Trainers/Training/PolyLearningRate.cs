using TorchSharp.Modules;

namespace MagNet.ML.Training;

/// <summary>
/// LAVT's polynomial learning-rate schedule, stepped once per iteration (MAGNET-SPEC §2, §4.4):
/// lr(it) = lr₀·(1 − it/total)^power, with power 0.9. Iterations at or past the total give 0.
/// </summary>
public sealed class PolyLearningRate
{
    /// <summary>LAVT's exponent.</summary>
    public const double DefaultPower = 0.9;

    /// <summary>Creates the schedule.</summary>
    /// <param name="baseLearningRate">lr₀, the rate at iteration 0 (≥ 0).</param>
    /// <param name="totalIterations">Iterations of the whole run (epochs × batches per epoch, &gt; 0).</param>
    /// <param name="power">Exponent (&gt; 0). Default 0.9.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public PolyLearningRate(double baseLearningRate, long totalIterations, double power = DefaultPower)
    {
        Check(baseLearningRate, totalIterations, power);
        BaseLearningRate = baseLearningRate;
        TotalIterations = totalIterations;
        Power = power;
    }

    /// <summary>lr₀.</summary>
    public double BaseLearningRate { get; }

    /// <summary>Iterations of the whole run.</summary>
    public long TotalIterations { get; }

    /// <summary>The exponent.</summary>
    public double Power { get; }

    /// <summary>The multiplier (1 − it/total)^power of iteration <paramref name="iteration"/> (0 at or past the total).</summary>
    /// <param name="iteration">Zero-based iteration (≥ 0).</param>
    public double FactorAt(long iteration) => Factor(iteration, TotalIterations, Power);

    /// <summary>The learning rate of iteration <paramref name="iteration"/>.</summary>
    /// <param name="iteration">Zero-based iteration (≥ 0).</param>
    public double LearningRateAt(long iteration) => BaseLearningRate * FactorAt(iteration);

    /// <summary>
    /// Sets every parameter group of <paramref name="optimizer"/> to its own initial learning rate times the factor of
    /// <paramref name="iteration"/> (so groups created with different rates keep their ratio, as PyTorch's LambdaLR).
    /// </summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="iteration">Zero-based iteration (≥ 0), the one about to run.</param>
    public void Apply(OptimizerHelper optimizer, long iteration)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        double factor = FactorAt(iteration);
        foreach (var group in optimizer.ParamGroups) group.LearningRate = group.InitialLearningRate * factor;
    }

    /// <summary>lr₀·(1 − it/total)^power, 0 at or past the total.</summary>
    /// <param name="baseLearningRate">lr₀ (≥ 0).</param>
    /// <param name="iteration">Zero-based iteration (≥ 0).</param>
    /// <param name="totalIterations">Iterations of the whole run (&gt; 0).</param>
    /// <param name="power">Exponent (&gt; 0). Default 0.9.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static double Compute(double baseLearningRate, long iteration, long totalIterations, double power = DefaultPower)
    {
        Check(baseLearningRate, totalIterations, power);
        return baseLearningRate * Factor(iteration, totalIterations, power);
    }

    private static double Factor(long iteration, long totalIterations, double power)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(iteration);
        if (iteration >= totalIterations) return 0.0;
        return Math.Pow(1.0 - (double)iteration / totalIterations, power);
    }

    private static void Check(double baseLearningRate, long totalIterations, double power)
    {
        if (!(baseLearningRate >= 0) || double.IsInfinity(baseLearningRate))
            throw new ArgumentOutOfRangeException(nameof(baseLearningRate), baseLearningRate, "The base learning rate must be a finite number ≥ 0.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalIterations);
        if (!(power > 0) || double.IsInfinity(power))
            throw new ArgumentOutOfRangeException(nameof(power), power, "The power must be a finite number > 0.");
    }
}
