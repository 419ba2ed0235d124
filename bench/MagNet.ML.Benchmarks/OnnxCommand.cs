using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Onnx;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace MagNet.ML.Benchmarks;

/// <summary>
/// <c>onnx</c>: the same MagNet (random weights, fixed seed, exported once to ONNX) run side by side in one process —
/// TorchSharp's forward and ML.NET transform, ONNX Runtime's raw session (with and without the transform's pre- and
/// post-processing) and the ONNX transform — per model, thread count and batch size, the paths interleaved round by
/// round so that machine noise falls on all of them alike.
/// </summary>
internal static class OnnxCommand
{
    public const string SectionName = "onnx";

    private static readonly InferencePath[] TimedPaths =
        [InferencePath.TorchForward, InferencePath.TorchTransform, InferencePath.OrtSession, InferencePath.OrtSessionWithPrePost, InferencePath.OrtTransform];

    /// <summary>What to run.</summary>
    internal sealed record Settings(int[] Threads, int[] Batches, string[] Models, int Repeat, int Warmup, double Budget, string Arena)
    {
        /// <summary>
        /// Whether ONNX Runtime's CPU memory arena is on for <paramref name="model"/>'s sessions: <c>on</c>, <c>off</c>,
        /// or <c>auto</c> — on (ONNX Runtime's and ML.NET's default) except for MagNet-B, whose sessions each keep well over
        /// 1 GB per pair in the arena after their first runs (measured: 7.4 GB with both sessions open, 14.2 GB after two
        /// rounds at batch 2), so that at batch 8 two of them beside TorchSharp would not fit in 24 GB.
        /// </summary>
        public bool ArenaFor(string model) => Arena switch
        {
            "on" => true,
            "off" => false,
            _ => !model.Equals("B", StringComparison.OrdinalIgnoreCase),
        };
    }

    public static Command Create(string[] args)
    {
        var threads = CommonOptions.Threads("1,2",
            "Comma-separated thread counts, e.g. 1,2: torch.set_num_threads and ONNX Runtime's intra-op threads (inter-op 1).");
        var batches = new Option<string>("--batch")
        {
            Description = "Comma-separated batch sizes: pairs per pass of every path (and per ONNX Runtime run), e.g. 1,8.",
            DefaultValueFactory = _ => "1,8",
        };
        var models = CommonOptions.Models("Tiny,B");
        var repeat = CommonOptions.Repeat(40, "Timed rounds (every path once) per model, thread count and batch, at most; see --budget.");
        var warmup = CommonOptions.Warmup("Untimed rounds (every path once) before timing, per model, thread count and batch.");
        var budget = new Option<double>("--budget")
        {
            Description = "Seconds of timed rounds after which a model/threads/batch cell stops early (it always has one round); " +
                          "0 runs every --repeat round. Keeps MagNet-B at batch 8 (minutes per round) to one timed round.",
            DefaultValueFactory = _ => 45,
        };
        var arena = new Option<string>("--ort-arena")
        {
            Description = "ONNX Runtime's CPU memory arena in both ONNX Runtime paths: on, off, or auto (on, except for MagNet-B, whose " +
                          "two arenas beside TorchSharp need more than 24 GB at batch 8). The arena is ONNX Runtime's default and faster.",
            DefaultValueFactory = _ => "auto",
        };
        arena.AcceptOnlyFromAmong("auto", "on", "off");
        var results = CommonOptions.Results();
        var noWrite = CommonOptions.NoWrite();
        var command = new Command("onnx", "TorchSharp eager vs ONNX Runtime (raw session and ML.NET transform), side by side in one run.")
        {
            threads, batches, models, repeat, warmup, budget, arena, results, noWrite,
        };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(repeat), w = parse.GetValue(warmup);
            double b = parse.GetValue(budget);
            CommonOptions.RequirePositive(n, "--repeat");
            CommonOptions.RequireNonNegative(w, "--warmup");
            if (!(b >= 0)) throw new ArgumentException($"--budget must be 0 or more seconds; got {b}.");
            var settings = new Settings(CommonOptions.ParseThreads(parse.GetValue(threads)!),
                CommonOptions.ParsePositive(parse.GetValue(batches)!, "--batch", "batch size").Distinct().ToArray(),
                CommonOptions.ParseModels(parse.GetValue(models)!), n, w, b, parse.GetValue(arena)!);
            string? path = parse.GetValue(noWrite) ? null : parse.GetValue(results)?.FullName ?? ResultsFile.DefaultPath();
            Run(settings, path, CommonOptions.CommandLine(args), parse.InvocationConfiguration.Output);
            return 0;
        });
        return command;
    }

    private static void Run(Settings settings, string? resultsPath, string commandLine, TextWriter output)
    {
        var machine = MachineInfo.Read();
        output.WriteLine($"machine: {machine.Describe()}");
        output.WriteLine($"models: {string.Join(", ", settings.Models)}; threads: {string.Join(", ", settings.Threads)}; batch: " +
                         $"{string.Join(", ", settings.Batches)}; {settings.Warmup} warm-up + at most {settings.Repeat} timed round(s) per cell, " +
                         $"budget {settings.Budget:F0} s; ONNX Runtime CPU arena: " +
                         string.Join(", ", settings.Models.Select(m => $"{m} {(settings.ArenaFor(m) ? "on" : "off")}")));
        var started = DateTime.UtcNow;
        long runStart = Stopwatch.GetTimestamp();
        var ml = new MLContext(seed: 1);
        var rows = new List<OnnxMeasurement>();
        var agreements = new List<string>();
        OnnxRuntimeInfo? runtime = null;
        var folder = Directory.CreateTempSubdirectory("magnet-onnx-bench-");
        try
        {
            foreach (var name in settings.Models)
            {
                var exported = ExportedModel.Create(name, folder.FullName, output);
                bool arena = settings.ArenaFor(exported.Name);
                // ML.NET's options for the ONNX sessions this context opens from now on: its defaults, the arena as chosen.
                ((IHostEnvironment)ml).SetOnnxSessionOption(new OnnxSessionOptions { EnableCpuMemArena = arena });
                var workload = OnnxWorkload.Create(exported.Config.ImageSize, settings.Batches.Max());
                bool checkedAgreement = false;
                foreach (int batch in settings.Batches)
                {
                    var data = workload.DataView(ml, batch);
                    var prepared = new PreparedBatch(workload, batch, exported.Config.MaxTokens);
                    using var torchTransformer = ml.Transforms.ApplyReferringSegmentation(exported.WeightsPath, exported.Config, batchSize: batch).Fit(data);
                    var (image, inputIds, attentionMask) = prepared.TorchInputs();
                    using var disposeInputs = new CompositeDisposable(image, inputIds, attentionMask);
                    foreach (int threads in settings.Threads)
                    {
                        torch.set_num_threads(threads);
                        double matmul = MatmulRate.Measure();
                        using var raw = new RawOnnxSession(exported.OnnxPath, threads, arena, prepared);
                        using var ortTransformer = ml.Transforms.ApplyReferringSegmentationOnnx(new ReferringSegmentationOnnxEstimator.Options
                        {
                            ModelPath = exported.OnnxPath, BatchSize = batch, IntraOpNumThreads = threads, InterOpNumThreads = 1,
                        }).Fit(data);
                        runtime ??= OnnxRuntimeInfo.Read();
                        var cell = new Cell(exported, threads, batch, data, prepared, torchTransformer, (image, inputIds, attentionMask), raw, ortTransformer);
                        int warmups = settings.Warmup;
                        if (!checkedAgreement)
                        {
                            // The first round of a model checks that both runtimes compute the same thing; it warms up too.
                            string agreement = cell.Agreement();
                            agreements.Add(agreement);
                            output.WriteLine(agreement);
                            checkedAgreement = true;
                            warmups = Math.Max(0, warmups - 1);
                        }
                        for (int i = 0; i < warmups; i++) cell.Round(samples: null);
                        var samples = TimedPaths.ToDictionary(p => p, _ => (Wall: new List<double>(), Cpu: new List<double>()));
                        long timedStart = Stopwatch.GetTimestamp();
                        for (int round = 0; round < settings.Repeat; round++)
                        {
                            cell.Round(samples);
                            output.WriteLine($"[{exported.Name} {threads} thread(s) batch {batch}] round {round + 1}: " +
                                             string.Join(", ", TimedPaths.Select(p => $"{p.Label()} {F(samples[p].Wall[^1], 3)} s")));
                            if (settings.Budget > 0 && Stopwatch.GetElapsedTime(timedStart).TotalSeconds >= settings.Budget) break;
                        }
                        foreach (var path in TimedPaths)
                        {
                            var row = new OnnxMeasurement(exported.Name, exported.Config.ImageSize, threads, batch, path,
                                TimingStatistics.Of(samples[path].Wall), TimingStatistics.Of(samples[path].Cpu), exported.Flops.Total / 1e9, matmul, arena, samples[path].Wall);
                            rows.Add(row);
                        }
                        output.WriteLine($"[{exported.Name} {threads} thread(s) batch {batch}] matmul {F(matmul, 1)} GFLOP/s; medians: " +
                                         string.Join(", ", rows.TakeLast(TimedPaths.Length).Select(r => $"{r.Path.Label()} {F(r.Time.Median, 3)} s")) +
                                         $"; memory {ProcessMemory.Describe()}");
                    }
                }
            }
        }
        finally
        {
            try { folder.Delete(recursive: true); }
            catch (IOException) { output.WriteLine($"could not remove {folder.FullName}"); }
        }

        string markdown = OnnxReport.Write(rows, agreements, settings, machine, runtime, MachineInfo.ReadLoadAverage(), started,
            Stopwatch.GetElapsedTime(runStart), ProcessMemory.Read().Peak, commandLine);
        output.WriteLine();
        output.WriteLine(markdown);
        if (resultsPath is not null)
        {
            ResultsFile.WriteSection(resultsPath, SectionName, markdown);
            output.WriteLine($"wrote the '{SectionName}' section of {resultsPath}");
        }
    }

    private static string F(double value, int digits) => value.ToString("F" + digits, CultureInfo.InvariantCulture);

    /// <summary>A model with random weights (seed 1, <see cref="BenchmarkModel"/>) written once as ONNX and as safetensors weights.</summary>
    private sealed record ExportedModel(string Name, MagNetConfig Config, MagNetFlopCount Flops, string OnnxPath, string WeightsPath)
    {
        public static ExportedModel Create(string name, string folder, TextWriter output)
        {
            long start = Stopwatch.GetTimestamp();
            using var model = BenchmarkModel.Create(name);
            string onnx = Path.Combine(folder, $"{model.Name}.onnx"), weights = Path.Combine(folder, $"{model.Name}.safetensors");
            // Only the outputs the transform reads: without the S × S probability output nothing else is computed.
            var summary = MagNetOnnxExporter.Export(model.Model, onnx, new MagNetOnnxExportOptions { ProbabilityOutputName = null });
            Safetensors.SaveStateDict(weights, model.Model.state_dict().ToDictionary(p => p.Key, p => p.Value));
            output.WriteLine($"{model.Name} ({model.Config.Name}, {model.Config.ImageSize}²): exported {summary.Nodes} ONNX nodes, " +
                             $"{summary.Parameters / 1e6:F1} M parameters, {new FileInfo(onnx).Length / 1e6:F0} MB, in {Stopwatch.GetElapsedTime(start).TotalSeconds:F1} s");
            return new ExportedModel(model.Name, model.Config, model.Flops, onnx, weights);
        }
    }

    /// <summary>Disposes several objects at once.</summary>
    private sealed class CompositeDisposable(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items) item.Dispose();
        }
    }

    /// <summary>Everything one model/threads/batch cell runs, and one round of it.</summary>
    private sealed class Cell(ExportedModel model, int threads, int batch, IDataView data, PreparedBatch prepared, MagNetTransformer torchTransformer,
        (Tensor Image, Tensor InputIds, Tensor AttentionMask) torchInputs, RawOnnxSession raw, ReferringSegmentationOnnxTransformer ortTransformer)
    {
        private readonly Process _process = Process.GetCurrentProcess();

        /// <summary>
        /// Runs every path once, in the order of <see cref="TimedPaths"/>, adding wall-clock and CPU seconds to
        /// <paramref name="samples"/> (null: a warm-up round). The raw session's round is preprocessing, run and
        /// post-processing timed apart: the run alone is <see cref="InferencePath.OrtSession"/>, all three together
        /// <see cref="InferencePath.OrtSessionWithPrePost"/>.
        /// </summary>
        /// <summary>The untimed pause before each path (<see cref="Settle"/>).</summary>
        public const int SettleMilliseconds = 50;

        public void Round(Dictionary<InferencePath, (List<double> Wall, List<double> Cpu)>? samples)
        {
            void Add(InferencePath path, double wall, double cpu)
            {
                if (samples is null) return;
                samples[path].Wall.Add(wall);
                samples[path].Cpu.Add(cpu);
            }

            Settle();
            var (wall, cpu) = Time(() => Forward(keepLogits: false));
            Add(InferencePath.TorchForward, wall, cpu);
            Settle();
            (wall, cpu) = Time(() => ReadMasks(torchTransformer.Transform(data), keep: false));
            Add(InferencePath.TorchTransform, wall, cpu);

            Settle();
            double cpu0 = CpuSeconds();
            long t0 = Stopwatch.GetTimestamp();
            prepared.Fill();
            double cpu1 = CpuSeconds();
            long t1 = Stopwatch.GetTimestamp();
            using (var outputs = raw.Run())
            {
                long t2 = Stopwatch.GetTimestamp();
                double cpu2 = CpuSeconds();
                raw.Postprocess(outputs);
                long t3 = Stopwatch.GetTimestamp();
                double cpu3 = CpuSeconds();
                Add(InferencePath.OrtSession, Stopwatch.GetElapsedTime(t1, t2).TotalSeconds, cpu2 - cpu1);
                Add(InferencePath.OrtSessionWithPrePost, Stopwatch.GetElapsedTime(t0, t3).TotalSeconds, cpu3 - cpu0);
            }

            Settle();
            (wall, cpu) = Time(() => ReadMasks(ortTransformer.Transform(data), keep: false));
            Add(InferencePath.OrtTransform, wall, cpu);
        }

        /// <summary>
        /// An untimed pause before each path: ONNX Runtime's intra-op worker threads keep spinning for a while after a
        /// run, and on a 2-core machine the previous session's spinning threads would otherwise compete with the next
        /// path's threads (the ML.NET transform's session runs right after the raw session).
        /// </summary>
        private static void Settle() => Thread.Sleep(SettleMilliseconds);

        /// <summary>
        /// Runs each runtime once and states how far apart they are: the largest mask-logit difference between the
        /// TorchSharp forward and the raw session, and the share of mask pixels on which the two transforms agree.
        /// </summary>
        public string Agreement()
        {
            float[] torchLogits = Forward(keepLogits: true)!;
            float[] ortLogits;
            using (var outputs = raw.Run()) ortLogits = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            if (torchLogits.Length != ortLogits.Length)
                throw new InvalidOperationException($"{model.Name}: TorchSharp gave {torchLogits.Length} mask logits, ONNX Runtime {ortLogits.Length}.");
            double maxDiff = 0, maxAbs = 0;
            for (int i = 0; i < torchLogits.Length; i++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(torchLogits[i] - ortLogits[i]));
                maxAbs = Math.Max(maxAbs, Math.Abs(torchLogits[i]));
            }
            var torchMasks = ReadMasks(torchTransformer.Transform(data), keep: true);
            var ortMasks = ReadMasks(ortTransformer.Transform(data), keep: true);
            long same = 0, total = 0;
            for (int r = 0; r < torchMasks.Count; r++)
            {
                total += torchMasks[r].Length;
                for (int i = 0; i < torchMasks[r].Length; i++) if (torchMasks[r][i] == ortMasks[r][i]) same++;
            }
            return $"{model.Name} at batch {batch}, {threads} thread(s): mask logits of the TorchSharp forward and the ONNX Runtime session differ by at most " +
                   $"{maxDiff:E1} (largest |logit| {maxAbs:F2}); the two transforms' masks agree on {100.0 * same / total:F3} % of {total} pixels.";
        }

        /// <summary>One forward pass on the prepared tensors in inference mode; every output is freed, the mask logits copied out first if asked.</summary>
        private float[]? Forward(bool keepLogits)
        {
            using var inference = torch.inference_mode();
            using var scope = NewDisposeScope();
            using var output = torchTransformer.Model.forward(torchInputs.Image, torchInputs.InputIds, torchInputs.AttentionMask);
            return keepLogits ? output.MaskLogits.data<float>().ToArray() : null;
        }

        private (double Wall, double Cpu) Time(Action action)
        {
            double cpu = CpuSeconds();
            long start = Stopwatch.GetTimestamp();
            action();
            return (Stopwatch.GetElapsedTime(start).TotalSeconds, CpuSeconds() - cpu);
        }

        private double CpuSeconds()
        {
            _process.Refresh();
            return _process.TotalProcessorTime.TotalSeconds;
        }

        /// <summary>
        /// Reads the predicted mask of every row (the whole transform runs; the other columns are computed but not read):
        /// copies of them if <paramref name="keep"/>, else only the count of pixels set, as the raw path's post-processing.
        /// </summary>
        private static List<byte[]> ReadMasks(IDataView scored, bool keep)
        {
            var column = scored.Schema[ReferringColumnNames.PredictedMask];
            using var cursor = scored.GetRowCursor([column]);
            var getter = cursor.GetGetter<VBuffer<byte>>(column);
            VBuffer<byte> mask = default;
            var masks = new List<byte[]>();
            long set = 0;
            while (cursor.MoveNext())
            {
                getter(ref mask);
                if (keep) masks.Add(mask.GetValues().ToArray());
                else foreach (byte m in mask.GetValues()) set += m;
            }
            GC.KeepAlive(set);
            return masks;
        }
    }
}
