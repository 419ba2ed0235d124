using System.CommandLine;
using MagNet.ML;
using MagNet.ML.Modeling;
using TorchSharp;

namespace MagNet.Cli.Commands;

/// <summary>
/// <c>magnet export-onnx (--model model.zip | --config CONFIG.json --weights W) --out model.onnx</c>: takes a trained
/// model file, or builds the model and loads the weights (strictly: every entry, nothing extra), and writes the ONNX inference graph (see <see cref="MagNetOnnxExporter"/>):
/// inputs <c>image</c> [N,3,S,S], <c>input_ids</c> and <c>attention_mask</c> [N,T]; outputs <c>mask_logits</c>
/// [N,1,S/4,S/4], <c>pred_logits</c> and <c>prob</c> [N,1,S,S] unless left out.
/// </summary>
internal static class ExportOnnxCommand
{
    public static Command Create()
    {
        var modelFile = new Option<string?>("--model") { Description = "A trained model file (model.zip from magnet train or MagNetTransformer.Save)." };
        var config = new Option<string?>("--config") { Description = "Model configuration JSON (ours, or an official-parity config.json); with --weights." };
        var weights = new Option<string?>("--weights") { Description = "Weights: safetensors, flat .pth, or a nested checkpoint (['model']); with --config." };
        var output = new Option<string>("--out") { Description = "ONNX file to write.", Required = true };
        var opset = new Option<int>("--opset") { Description = "ONNX opset: 17 (LayerNormalization, default) or 16.", DefaultValueFactory = _ => 17 };
        var noProbability = new Option<bool>("--no-prob") { Description = "Leave out the prob output (the S×S probability map)." };
        var noClassLogits = new Option<bool>("--no-class-logits") { Description = "Leave out the pred_logits output." };
        var command = new Command("export-onnx", "Export the MagNet inference model to ONNX (no Python needed).")
        {
            modelFile, config, weights, output, opset, noProbability, noClassLogits,
        };
        command.SetAction(result =>
        {
            string outPath = result.GetValue(output)!;
            var options = new MagNetOnnxExportOptions { Opset = result.GetValue(opset) };
            if (result.GetValue(noProbability)) options.ProbabilityOutputName = null;
            if (result.GetValue(noClassLogits)) options.ClassLogitsOutputName = null;
            options.Validate();

            string? modelPath = result.GetValue(modelFile), configPath = result.GetValue(config), weightsPath = result.GetValue(weights);
            bool fromModelFile = modelPath is not null, fromWeights = configPath is not null || weightsPath is not null;
            if (fromModelFile == fromWeights || (fromWeights && (configPath is null || weightsPath is null)))
                throw new ArgumentException("Give either --model FILE, or both --config FILE and --weights FILE.");
            string loaded;
            MagNetOnnxExportSummary summary;
            if (modelPath is not null)
            {
                using var transformer = MagNetTransformer.Load(new Microsoft.ML.MLContext(), modelPath);
                transformer.Model.eval();
                summary = MagNetOnnxExporter.Export(transformer.Model, outPath, options);
                loaded = $"model {modelPath}";
            }
            else
            {
                using var model = LoadFromConfigAndWeights(configPath!, weightsPath!, out var report);
                summary = MagNetOnnxExporter.Export(model, outPath, options);
                loaded = $"weights: {report.Loaded} tensors loaded";
            }
            var outputs = new[] { options.MaskLogitsOutputName, options.ClassLogitsOutputName, options.ProbabilityOutputName }.OfType<string>();
            result.InvocationConfiguration.Output.WriteLine(
                $"{loaded}; wrote {summary.Path}: opset {summary.Opset}, {summary.Nodes} nodes, " +
                $"{summary.Weights} weights ({summary.Parameters:N0} parameters), image {summary.ImageSize}x{summary.ImageSize}, " +
                $"{summary.MaxTokens} tokens; inputs {options.ImageInputName}, {options.InputIdsInputName}, {options.AttentionMaskInputName}; " +
                $"outputs {string.Join(", ", outputs)}");
            return 0;
        });
        return command;
    }

    private static MagNetModel LoadFromConfigAndWeights(string configPath, string weightsPath, out WeightLoadReport report)
    {
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(1);
        var cfg = MagNetConfig.Load(configPath);
        var model = new MagNetModel(cfg);
        try
        {
            using var scope = torch.NewDisposeScope();
            report = ModuleWeights.Load(model, StateDictFile.Read(weightsPath), strict: true, source: weightsPath);
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
