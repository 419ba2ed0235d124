using TorchSharp;

namespace MagNet.ML.Benchmarks;

/// <summary>What a benchmark report states about the machine it ran on.</summary>
internal sealed record MachineInfo(int LogicalCpus, string CpuModel, string LoadAverage, string Runtime, string Jit, string Libtorch, string ThreadingEnvironment)
{
    public static MachineInfo Read()
    {
        string cpu = "unknown";
        const string cpuInfo = "/proc/cpuinfo";
        if (File.Exists(cpuInfo))
        {
            var line = File.ReadLines(cpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null) cpu = line[(line.IndexOf(':') + 1)..].Trim();
            var flags = File.ReadLines(cpuInfo).FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal)) ?? "";
            if (flags.Contains(" avx512f", StringComparison.Ordinal)) cpu += " (AVX-512)";
            else if (flags.Contains(" avx2", StringComparison.Ordinal)) cpu += " (AVX2)";
        }
        return new MachineInfo(Environment.ProcessorCount, cpu, ReadLoadAverage(),
            $".NET {Environment.Version}", JitMode(), $"TorchSharp {typeof(torch).Assembly.GetName().Version}, libtorch {torch.__version__}", ThreadingVariables());
    }

    /// <summary>The 1/5/15-minute load averages now (other processes competing for the cores).</summary>
    public static string ReadLoadAverage()
    {
        const string path = "/proc/loadavg";
        return File.Exists(path) ? string.Join(" ", File.ReadAllText(path).Split(' ').Take(3)) : "n/a";
    }

    /// <summary>
    /// Whether the JIT tiers (the project turns it off; <c>DOTNET_TieredCompilation</c> overrides the project's setting).
    /// </summary>
    private static string JitMode()
    {
        string? variable = Environment.GetEnvironmentVariable("DOTNET_TieredCompilation");
        bool tiered = variable is not null
            ? variable != "0"
            : !string.Equals(AppContext.GetData("System.Runtime.TieredCompilation") as string, "false", StringComparison.OrdinalIgnoreCase);
        return tiered ? "tiered JIT on (early calls run unoptimised code)" : "tiered JIT off (every method optimised at its first call)";
    }

    /// <summary>
    /// The OpenMP/MKL variables that change how threads wait and how many run (read by the native runtime at start-up,
    /// so they can only be set outside the process), e.g. <c>OMP_WAIT_POLICY=PASSIVE</c>.
    /// </summary>
    private static string ThreadingVariables()
    {
        string[] names = ["OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OMP_PROC_BIND"];
        var set = names.Select(n => (Name: n, Value: Environment.GetEnvironmentVariable(n))).Where(v => !string.IsNullOrEmpty(v.Value)).ToList();
        return set.Count == 0 ? "no OpenMP/MKL variables set" : string.Join(", ", set.Select(v => $"{v.Name}={v.Value}"));
    }

    public string Describe() =>
        $"{LogicalCpus} logical CPU(s) (nproc), {CpuModel}; {Runtime}, {Jit}; {Libtorch}; {ThreadingEnvironment}; load average {LoadAverage}";
}
