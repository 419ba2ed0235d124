using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using TorchSharp;

namespace MagNet.ML.Benchmarks;

/// <summary>
/// <c>forward</c>: forward latency of MagNet models at batch 1 for each thread count, beside the FLOP count of a pass
/// and the 2048³ matmul rate measured in the same process, so that the achieved rate can be read as a fraction of what
/// the CPU's matrix products reach.
/// </summary>
internal static class ForwardCommand
{
    public const string SectionName = "forward";

    public static Command Create(string[] args) =>
        CommonOptions.ForwardTimingCommand("forward", "Forward latency (batch 1) with FLOPs and the matmul rate of the same run.", args, "1,2", "B,Tiny", 5, Run);

    private static void Run(int[] threadCounts, string[] modelNames, int repeat, int warmup, string? resultsPath, string commandLine, TextWriter output)
    {
        var machine = MachineInfo.Read();
        output.WriteLine($"machine: {machine.Describe()}");
        output.WriteLine($"threads: {string.Join(", ", threadCounts)} (torch.set_num_threads); models: {string.Join(", ", modelNames)}; " +
                         $"{warmup} warm-up + {repeat} timed forward pass(es) each");
        var started = DateTime.UtcNow;

        var models = new List<BenchmarkModel>();
        try
        {
            foreach (var name in modelNames)
            {
                long start = Stopwatch.GetTimestamp();
                models.Add(BenchmarkModel.Create(name));
                output.WriteLine($"built {name} ({models[^1].Config.Name}, {models[^1].Config.ImageSize}²) in {Stopwatch.GetElapsedTime(start).TotalSeconds:F1} s");
            }

            var rows = new List<ForwardMeasurement>();
            foreach (int threads in threadCounts)
            {
                torch.set_num_threads(threads);
                double matmul = MatmulRate.Measure();
                output.WriteLine($"[{threads} thread(s)] matmul {MatmulRate.Size}³: {matmul:F1} GFLOP/s");
                foreach (var model in models)
                {
                    for (int i = 0; i < warmup; i++) model.Forward();
                    var seconds = new List<double>();
                    var cpuSeconds = new List<double>();
                    using var process = Process.GetCurrentProcess();
                    for (int i = 0; i < repeat; i++)
                    {
                        process.Refresh();
                        var cpuStart = process.TotalProcessorTime;
                        long start = Stopwatch.GetTimestamp();
                        model.Forward();
                        seconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
                        process.Refresh();
                        cpuSeconds.Add((process.TotalProcessorTime - cpuStart).TotalSeconds);
                    }
                    var row = new ForwardMeasurement(model.Name, model.Config.ImageSize, threads, TimingStatistics.Of(seconds),
                        TimingStatistics.Of(cpuSeconds), model.Flops, matmul);
                    rows.Add(row);
                    output.WriteLine($"[{threads} thread(s)] {model.Name}: median {row.Time.Median:F3} s, min {row.Time.Min:F3} s, " +
                                     $"CPU {row.CpuTime.Median:F3} s ({string.Join(" ", seconds.Select(s => s.ToString("F3", CultureInfo.InvariantCulture)))})");
                }
            }

            string markdown = Report(rows, machine, MachineInfo.ReadLoadAverage(), started, commandLine, repeat, warmup);
            output.WriteLine();
            output.WriteLine(markdown);
            if (resultsPath is not null)
            {
                ResultsFile.WriteSection(resultsPath, SectionName, markdown);
                output.WriteLine($"wrote the '{SectionName}' section of {resultsPath}");
            }
        }
        finally
        {
            foreach (var model in models) model.Dispose();
        }
    }

    private static string Report(IReadOnlyList<ForwardMeasurement> rows, MachineInfo machine, string loadAtEnd, DateTime started,
        string commandLine, int repeat, int warmup)
    {
        var table = new MarkdownTable("model", "size", "threads", "median s", "min s", "CPU s", "GFLOP/pair", "GFLOP/s", "matmul GFLOP/s", "util %");
        foreach (var r in rows)
            table.Add(r.Model, $"{r.ImageSize}²", r.Threads.ToString(CultureInfo.InvariantCulture), F(r.Time.Median, 3), F(r.Time.Min, 3),
                F(r.CpuTime.Median, 3), F(r.Gflop, 1), F(r.AchievedGflops, 1), F(r.MatmulGflops, 1), F(r.Utilisation, 1));

        var text = new StringBuilder();
        text.AppendLine("## Forward latency, batch 1");
        text.AppendLine();
        text.AppendLine($"Command: `{commandLine}`");
        text.AppendLine();
        text.AppendLine($"Run {started:yyyy-MM-dd HH:mm} UTC on {machine.Describe()} at the start, {loadAtEnd} at the end. " +
                        $"Thread counts: {string.Join(", ", rows.Select(r => r.Threads).Distinct())} (torch.set_num_threads). " +
                        $"{warmup} warm-up and {repeat} timed forward pass(es) per row: `MagNetModel.forward` in eval mode under " +
                        "`inference_mode`, random weights, one 20-token expression (12 valid tokens).");
        text.AppendLine();
        text.Append(table);
        text.AppendLine();
        foreach (var b in rows.Where(r => r.Model == "B"))
            text.AppendLine($"- MagNet-B {b.ImageSize}², {b.Threads} thread(s): **{F(b.Time.Median, 2)} s** per pair (min {F(b.Time.Min, 2)} s; " +
                            $"acceptance target ≤ 10 s at 2 threads); arithmetic floor at this run's matmul rate {F(b.Gflop / b.MatmulGflops, 2)} s.");
        var first = rows.GroupBy(r => r.Model).Select(g => g.First()).ToList();
        text.AppendLine("- GFLOP/pair = `MagNetFlops.Count(config).Total`: 2 × multiply-accumulates of every Linear, Conv1d, Conv2d and " +
                        "activation product (attention, mask logits); norms, softmax, activations, interpolation and grid_sample are not counted. " +
                        string.Join("; ", first.Select(r => $"{r.Model}: {F(r.Gflop, 2)} GFLOP, of which {F(r.Flops.ProfilerCounted / 1e9, 2)} are what " +
                                                             "torch.profiler counts (no Conv1d)")) + " — the spec measured ≈313 for MagNet-B.");
        text.AppendLine("- GFLOP/s = GFLOP/pair ÷ median; matmul GFLOP/s = median rate of a 2048³ float32 `torch.mm` at the same thread count " +
                        "in the same process; util % = GFLOP/s ÷ matmul GFLOP/s. CPU s = median process CPU time per pass (all threads): " +
                        "well below threads × median s means the threads waited for other processes.");
        return text.ToString();
    }

    private static string F(double value, int digits) => value.ToString("F" + digits, CultureInfo.InvariantCulture);
}
