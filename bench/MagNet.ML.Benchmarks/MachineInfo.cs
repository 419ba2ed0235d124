using TorchSharp;

namespace MagNet.ML.Benchmarks;

/// <summary>What a benchmark report states about the machine it ran on.</summary>
internal sealed record MachineInfo(int LogicalCpus, string CpuModel, string LoadAverage, string Runtime, string Libtorch)
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
            $".NET {Environment.Version}", $"TorchSharp {typeof(torch).Assembly.GetName().Version}, libtorch {torch.__version__}");
    }

    /// <summary>The 1/5/15-minute load averages now (other processes competing for the cores).</summary>
    public static string ReadLoadAverage()
    {
        const string path = "/proc/loadavg";
        return File.Exists(path) ? string.Join(" ", File.ReadAllText(path).Split(' ').Take(3)) : "n/a";
    }

    public string Describe() =>
        $"{LogicalCpus} logical CPU(s) (nproc), {CpuModel}; {Runtime}; {Libtorch}; load average {LoadAverage}";
}
