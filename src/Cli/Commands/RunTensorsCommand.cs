using System.CommandLine;
using MagNet.ML;
using MagNet.ML.Modeling;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace MagNet.Cli.Commands;

/// <summary>
/// <c>magnet run-tensors --config CONFIG.json --weights W --inputs IN.safetensors --out OUT.safetensors</c>: runs the
/// model in eval mode on fixture-style inputs (<c>image</c> [B,3,S,S] normalised, <c>input_ids</c> and
/// <c>attention_mask</c> int64 [B,T]) and writes every recorded intermediate under the reference names, including
/// <c>dec.pred_masks</c> (decoder mask logits) and <c>post.prob</c> (the final probability map).
/// </summary>
internal static class RunTensorsCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "Model configuration JSON (ours, or an official-parity config.json).", Required = true };
        var weights = new Option<string>("--weights") { Description = "Weights: safetensors, flat .pth, or a nested checkpoint (['model']).", Required = true };
        var inputs = new Option<string>("--inputs") { Description = "safetensors with image, input_ids, attention_mask.", Required = true };
        var output = new Option<string>("--out") { Description = "safetensors file to write the tensors to.", Required = true };
        var threads = new Option<int>("--threads") { Description = "Torch CPU threads (default 1).", DefaultValueFactory = _ => 1 };
        var command = new Command("run-tensors", "Run the model on fixture-style input tensors and write its intermediate and final tensors.")
        {
            config, weights, inputs, output, threads,
        };
        command.SetAction(result =>
        {
            TorchRuntime.EnsureLoaded();
            torch.set_num_threads(Math.Max(1, result.GetValue(threads)));
            var cfg = MagNetConfig.Load(result.GetValue(config)!);
            string weightsPath = result.GetValue(weights)!, inputsPath = result.GetValue(inputs)!, outPath = result.GetValue(output)!;
            using var scope = NewDisposeScope();
            using var model = new MagNetModel(cfg);
            var report = ModuleWeights.Load(model, StateDictFile.Read(weightsPath), strict: true, source: weightsPath);
            model.eval();
            if (!File.Exists(inputsPath)) throw new FileNotFoundException($"Inputs file '{inputsPath}' does not exist.", inputsPath);
            var tensors = Safetensors.LoadStateDict(inputsPath);
            foreach (var name in new[] { "image", "input_ids", "attention_mask" })
                if (!tensors.ContainsKey(name))
                    throw new InvalidDataException($"Inputs file '{inputsPath}' has no tensor '{name}' (it has: {string.Join(", ", tensors.Keys)}).");
            using var recorder = TensorRecorder.Begin();
            using (torch.no_grad())
                model.PredictProbability(tensors["image"], tensors["input_ids"].to_type(ScalarType.Int64), tensors["attention_mask"].to_type(ScalarType.Int64));
            // Booleans are written as int64 0/1, as the reference fixtures store them.
            var outputs = recorder.Tensors.ToDictionary(e => e.Key,
                e => (e.Value.dtype == ScalarType.Bool ? e.Value.to_type(ScalarType.Int64) : e.Value).contiguous());
            string? folder = Path.GetDirectoryName(Path.GetFullPath(outPath));
            if (folder is not null) Directory.CreateDirectory(folder);
            Safetensors.SaveStateDict(outPath, outputs);
            result.InvocationConfiguration.Output.WriteLine(
                $"weights: {report.Loaded} tensors loaded; wrote {outputs.Count} tensors to {outPath}");
            return 0;
        });
        return command;
    }
}
