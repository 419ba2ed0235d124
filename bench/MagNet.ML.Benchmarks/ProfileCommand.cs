using System.CommandLine;
using System.Globalization;
using System.Text;
using TorchSharp;

namespace MagNet.ML.Benchmarks;

/// <summary>
/// <c>profile</c>: where the time of a forward pass goes — wall-clock seconds per part (stem, each stage's Swin blocks,
/// BERT group, image fusion and language fusion, pixel decoder, transformer decoder) beside the part's FLOPs and
/// achieved GFLOP/s, the median over the timed passes.
/// </summary>
internal static class ProfileCommand
{
    public const string SectionName = "profile";

    public static Command Create(string[] args) =>
        CommonOptions.ForwardTimingCommand("profile", "Seconds, FLOPs and GFLOP/s per part of the forward pass.", args, "2", "B", 3, Run);

    private static void Run(int[] threadCounts, string[] modelNames, int repeat, int warmup, string? resultsPath, string commandLine, TextWriter output)
    {
        var machine = MachineInfo.Read();
        output.WriteLine($"machine: {machine.Describe()}");
        var started = DateTime.UtcNow;
        var text = new StringBuilder();
        text.AppendLine("## Time per part of the forward pass");
        text.AppendLine();
        text.AppendLine($"Command: `{commandLine}`");
        text.AppendLine();
        text.AppendLine($"Run {started:yyyy-MM-dd HH:mm} UTC on {machine.Describe()} at the start. Median of {repeat} pass(es) after " +
                        $"{warmup} warm-up, per part; text.stage1.bert includes the embeddings.");
        foreach (var name in modelNames)
        {
            using var model = BenchmarkModel.Create(name);
            foreach (int threads in threadCounts)
            {
                torch.set_num_threads(threads);
                double matmul = MatmulRate.Measure();
                for (int i = 0; i < warmup; i++) StageProfiler.Run(model);
                var runs = Enumerable.Range(0, repeat).Select(_ => StageProfiler.Run(model)).ToList();
                var table = new MarkdownTable("part", "median s", "share %", "GFLOP", "GFLOP/s", "util %");
                double total = runs.Select(r => r.Values.Sum()).Order().ElementAt(repeat / 2);
                foreach (var part in runs[0].Keys)
                {
                    double seconds = TimingStatistics.Of(runs.Select(r => r[part]).ToList()).Median;
                    double gflop = model.Flops.ByPart.GetValueOrDefault(part) / 1e9;
                    table.Add(part, F(seconds, 3), F(100 * seconds / total, 1), F(gflop, 2), F(gflop / seconds, 1), F(100 * gflop / seconds / matmul, 1));
                }
                table.Add("total", F(total, 3), "100.0", F(model.Flops.Total / 1e9, 2), F(model.Flops.Total / 1e9 / total, 1),
                    F(100 * model.Flops.Total / 1e9 / total / matmul, 1));
                text.AppendLine();
                text.AppendLine($"### {name} ({model.Config.ImageSize}²), {threads} thread(s), matmul {F(matmul, 1)} GFLOP/s");
                text.AppendLine();
                text.Append(table);
            }
        }
        string markdown = text.ToString();
        output.WriteLine(markdown);
        if (resultsPath is not null)
        {
            ResultsFile.WriteSection(resultsPath, SectionName, markdown);
            output.WriteLine($"wrote the '{SectionName}' section of {resultsPath}");
        }
    }

    private static string F(double value, int digits) => value.ToString("F" + digits, CultureInfo.InvariantCulture);
}
