using System.Globalization;
using System.Text;

namespace MagNet.ML.Benchmarks;

/// <summary>The markdown of the <c>onnx</c> command: the measurements, the ratios between paths and the acceptance check.</summary>
internal static class OnnxReport
{
    /// <summary>Speed-up of ONNX Runtime through the transform over the TorchSharp transform that MagNet-Tiny at batch 1 must reach.</summary>
    public const double TargetSpeedup = 1.5;

    /// <summary>Largest share the ML.NET pipeline may add to the raw session's time (MagNet-Tiny, batch 1).</summary>
    public const double TargetOverhead = 0.10;

    public static string Write(IReadOnlyList<OnnxMeasurement> rows, IReadOnlyList<string> agreements, OnnxCommand.Settings settings, MachineInfo machine,
        OnnxRuntimeInfo? runtime, string loadAtEnd, DateTime started, TimeSpan elapsed, double peakMemoryGb, string commandLine)
    {
        var text = new StringBuilder();
        text.AppendLine("## TorchSharp eager vs ONNX Runtime (raw session and ML.NET transform), side by side");
        text.AppendLine();
        text.AppendLine($"Command: `{commandLine}`");
        text.AppendLine();
        text.AppendLine($"Run {started:yyyy-MM-dd HH:mm} UTC, {F(elapsed.TotalMinutes, 1)} min in all, on {machine.Describe()} at the start, " +
                        $"{loadAtEnd} at the end; peak resident memory {F(peakMemoryGb, 1)} GB. {runtime?.Describe() ?? "ONNX Runtime not reached"}.");
        text.AppendLine();
        text.AppendLine($"Per model, thread count and batch: {settings.Warmup} warm-up round(s), then up to {settings.Repeat} timed round(s) " +
                        (settings.Budget > 0 ? $"(fewer once the timed rounds passed {F(settings.Budget, 0)} s; n = rounds timed) " : "") +
                        "in which every path runs once, in the table's order, so that noise falls on all paths alike, after an untimed 50 ms pause that lets the previous path's worker threads go idle. Random weights (seed 1), " +
                        "exported once to ONNX with the outputs the transform reads (mask_logits, pred_logits); the first `batch` pairs of the " +
                        "synthetic validation split (seed 1) at the model's image size, rendered to pixels once; each pass makes the rows' images " +
                        "from those pixels, as decoding would. Thread counts: torch.set_num_threads and ONNX Runtime's intra-op threads (inter-op 1), " +
                        "CPU provider, graph optimisation ALL, in both ONNX Runtime paths, and ONNX Runtime's CPU memory arena as the ratio " +
                        "table says (`--ort-arena`: by default on, ONNX Runtime's and ML.NET's default, except for MagNet-B, whose two " +
                        "arenas — over 1 GB per pair each — beside TorchSharp do not fit in 24 GB at batch 8; off costs ONNX Runtime time, " +
                        "about 15 % per pair for MagNet-Tiny at batch 8 when measured).");
        text.AppendLine();

        var table = new MarkdownTable("model", "size", "threads", "batch", "path", "n", "median s/batch", "s/pair", "pairs/s", "CPU s/batch",
            "GFLOP/s", "matmul GFLOP/s", "util %");
        foreach (var r in rows)
            table.Add(r.Model, $"{r.ImageSize}²", I(r.Threads), I(r.Batch), r.Path.Label(), I(r.Time.Count), F(r.Time.Median, 4), F(r.SecondsPerPair, 4),
                F(r.PairsPerSecond, 2), F(r.CpuTime.Median, 4), F(r.AchievedGflops, 1), F(r.MatmulGflops, 1), F(r.Utilisation, 1));
        text.Append(table);
        text.AppendLine();

        var ratios = new MarkdownTable("model", "threads", "batch", "ORT arena", "speed-up: transforms", "speed-up: forward vs session", "ORT pipeline overhead %",
            "ORT overhead beyond pre/post %", "ORT pipeline overhead %, ratio of medians", "pre+post s/batch", "TorchSharp pipeline overhead %");
        var cells = Cells(rows).ToList();
        foreach (var c in cells)
            ratios.Add(c.Model, I(c.Threads), I(c.Batch), c.Arena ? "on" : "off", F(c.TransformSpeedup, 2) + "×", F(c.ForwardSpeedup, 2) + "×", F(100 * c.OrtOverhead, 1),
                F(100 * c.OrtOverheadBeyondPrePost, 1), F(100 * c.OrtOverheadOfMedians, 1), F(c.PrePostSeconds, 4), F(100 * c.TorchOverhead, 1));
        text.AppendLine("Ratios of the same run and thread count (of seconds per pair):");
        text.AppendLine();
        text.Append(ratios);
        text.AppendLine();

        var tiny = cells.Where(c => c.Model == "Tiny" && c.Batch == 1).ToList();
        foreach (var c in tiny)
            text.AppendLine($"- **Acceptance, MagNet-Tiny at batch 1, {c.Threads} thread(s):** ONNX Runtime through the transform is " +
                            $"**{F(c.TransformSpeedup, 2)}×** as fast as the TorchSharp transform (target ≥ {F(TargetSpeedup, 1)}×: " +
                            $"{(c.TransformSpeedup >= TargetSpeedup ? "met" : "missed")}); the ML.NET pipeline adds **{F(100 * c.OrtOverhead, 1)} %** " +
                            $"over the raw session (target ≤ {F(100 * TargetOverhead, 0)} %: {(c.OrtOverhead <= TargetOverhead ? "met" : "missed")}; " +
                            $"{F(100 * c.OrtOverheadOfMedians, 1)} % as the ratio of the two medians), " +
                            $"{F(100 * c.OrtOverheadBeyondPrePost, 1)} % over the raw session with the same pre- and post-processing.");
        if (tiny.Count == 0) text.AppendLine("- Acceptance (MagNet-Tiny at batch 1): not measured in this run.");
        foreach (var a in agreements) text.AppendLine($"- Same computation: {a}");
        text.AppendLine("- Paths: *TorchSharp forward* = `MagNetModel.forward` on the prepared tensors (eval, `inference_mode`); *TorchSharp " +
                        "transform* = `MagNetTransformer.Transform` over the pairs' data view with the transformer's batch size = batch, reading " +
                        "`PredictedMask` (tokenizing, image preprocessing, forward, upsampling, sigmoid, threshold); *ORT session* = " +
                        "`InferenceSession.Run` on the same prepared inputs, read in place; *ORT session + pre/post* = the same run with the " +
                        "transform's own preprocessing before it (image from pixels, `ImageTensorizer`, `ExpressionTokenizer`) and its own " +
                        "post-processing after it (aligned-corners upsampling, sigmoid, threshold, score), timed in the same round; *ORT transform* = " +
                        "`ApplyReferringSegmentationOnnx` (ML.NET's `OnnxTransformer` inside) over the same data view.");
        text.AppendLine("- speed-up: transforms = TorchSharp transform ÷ ORT transform; speed-up: forward vs session = TorchSharp forward ÷ ORT " +
                        "session (ratios of medians); ORT pipeline overhead = the median over rounds of that round's ORT transform ÷ ORT session − 1 " +
                        "(paired: the two paths run one after the other in each round, so a burst of another process that slows one of them " +
                        "moves that round's ratio and the median leaves it out, where it would shift the median of one path alone; the ratio of " +
                        "the two medians is given beside it); beyond pre/post = the same with ORT session + pre/post in place of ORT session, what " +
                        "ML.NET itself adds (cursors, column copies, tensors built per run); pre+post = median of ORT session + pre/post − median " +
                        "of ORT session; TorchSharp pipeline overhead = TorchSharp transform ÷ TorchSharp forward − 1.");
        string perPair = string.Join(", ", rows.GroupBy(r => r.Model).Select(g => $"{g.Key} {F(g.First().GflopPerPair, 2)}"));
        text.AppendLine($"- GFLOP/s = `MagNetFlops.Count(config).Total` × batch ÷ median ({perPair} GFLOP per pair); matmul GFLOP/s = " +
                        "2048³ float32 `torch.mm` at the row's thread count in the same process, measured before the cell; util % = GFLOP/s ÷ " +
                        "matmul GFLOP/s. CPU s = process CPU time per batch, all threads: well below threads × median means the threads " +
                        "waited for other processes.");
        return text.ToString();
    }

    private sealed record CellRatios(string Model, int Threads, int Batch, bool Arena, double TransformSpeedup, double ForwardSpeedup, double OrtOverhead,
        double OrtOverheadBeyondPrePost, double OrtOverheadOfMedians, double PrePostSeconds, double TorchOverhead);

    /// <summary>Median over rounds of <paramref name="slower"/>'s time ÷ <paramref name="faster"/>'s time in the same round, minus 1.</summary>
    internal static double PairedOverhead(IReadOnlyList<double> slower, IReadOnlyList<double> faster)
    {
        if (slower.Count != faster.Count || slower.Count == 0)
            throw new ArgumentException($"Paired rounds are needed: {slower.Count} and {faster.Count} given.");
        return TimingStatistics.Of(slower.Zip(faster, (s, f) => s / f).ToList()).Median - 1;
    }

    private static IEnumerable<CellRatios> Cells(IReadOnlyList<OnnxMeasurement> rows)
    {
        foreach (var cell in rows.GroupBy(r => (r.Model, r.Threads, r.Batch)))
        {
            var by = cell.ToDictionary(r => r.Path);
            double S(InferencePath p) => by[p].SecondsPerPair;
            yield return new CellRatios(cell.Key.Model, cell.Key.Threads, cell.Key.Batch, cell.First().OrtArena,
                S(InferencePath.TorchTransform) / S(InferencePath.OrtTransform),
                S(InferencePath.TorchForward) / S(InferencePath.OrtSession),
                PairedOverhead(by[InferencePath.OrtTransform].Rounds, by[InferencePath.OrtSession].Rounds),
                PairedOverhead(by[InferencePath.OrtTransform].Rounds, by[InferencePath.OrtSessionWithPrePost].Rounds),
                S(InferencePath.OrtTransform) / S(InferencePath.OrtSession) - 1,
                by[InferencePath.OrtSessionWithPrePost].Time.Median - by[InferencePath.OrtSession].Time.Median,
                S(InferencePath.TorchTransform) / S(InferencePath.TorchForward) - 1);
        }
    }

    private static string F(double value, int digits) => value.ToString("F" + digits, CultureInfo.InvariantCulture);

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
