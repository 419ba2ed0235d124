using System.Reflection;
using Google.Protobuf;
using MagNet.ML.Export;
using MagNet.ML.Modeling;
using Onnx;
using TorchSharp;

namespace MagNet.ML;

/// <summary>
/// Writes the MagNet inference model as an ONNX graph, with no Python and no PyTorch: each module emits its own
/// operators, the weights of the TorchSharp model become initializers under their state-dict names.
/// </summary>
/// <remarks>
/// The graph follows the MagNet ONNX contract: inputs <c>image</c> float [N, 3, S, S] (ImageNet-normalised),
/// <c>input_ids</c> and <c>attention_mask</c> int64 [N, T]; outputs <c>mask_logits</c> float [N, 1, S/4, S/4] and,
/// optionally, <c>pred_logits</c> [N, 1, K+1] and <c>prob</c> [N, K, S, S] (names in
/// <see cref="MagNetOnnxExportOptions"/>). Only the batch N is dynamic: S and T are the model's
/// <see cref="MagNetConfig.ImageSize"/> and <see cref="MagNetConfig.MaxTokens"/>, so the Swin window padding, shifts
/// and partitions are constant-shaped. Multi-scale deformable attention uses GridSample (opset 16). The graph is the
/// inference model only: dropout and stochastic depth are identities, and <c>lang_proj</c>, the Swin output norms, the
/// language <c>norms</c>, the stage-4 language fusion and the deep-supervision predictions (all unused at inference)
/// are left out. The model is read, not changed (its train/eval mode does not matter).
/// </remarks>
public static class MagNetOnnxExporter
{
    // Protobuf messages are limited to 2 GiB; keep room for the graph itself.
    private const long MaxProtobufBytes = 2_000_000_000;

    /// <summary>
    /// Exports <paramref name="model"/> to <paramref name="path"/> (written to a temporary file first, then moved, so
    /// a failure leaves no partial file).
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="NotSupportedException">The model contains a layer the exporter cannot write, or its weights exceed the 2 GB a protobuf file can hold.</exception>
    public static MagNetOnnxExportSummary Export(MagNetModel model, string path, MagNetOnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new MagNetOnnxExportOptions();
        var proto = BuildModel(model, options);
        long bytes = proto.Graph.Initializer.Sum(t => (long)t.RawData.Length);
        if (bytes > MaxProtobufBytes)
            throw new NotSupportedException(
                $"The model's weights take {bytes:N0} bytes; a single ONNX protobuf file holds at most 2 GB and this exporter does not write external data files.");
        string fullPath = Path.GetFullPath(path);
        string? folder = Path.GetDirectoryName(fullPath);
        if (folder is not null) Directory.CreateDirectory(folder);
        string temporary = fullPath + ".partial";
        try
        {
            using (var stream = File.Create(temporary)) proto.WriteTo(stream);
            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
        var weights = proto.Graph.Initializer.Where(t => !t.Name.StartsWith(OnnxGraphBuilder.ConstantPrefix, StringComparison.Ordinal)).ToList();
        return new MagNetOnnxExportSummary(fullPath, options.Opset, proto.Graph.Node.Count, weights.Count,
            weights.Sum(t => t.Dims.Aggregate(1L, (a, d) => a * d)), model.Config.ImageSize, model.Config.MaxTokens);
    }

    /// <summary>Builds the ONNX model in memory (see <see cref="Export"/>).</summary>
    internal static ModelProto BuildModel(MagNetModel model, MagNetOnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var config = model.Config;
        var g = new OnnxGraphBuilder(options.Opset);
        string n = options.BatchDimensionName;
        long s = config.ImageSize, t = config.MaxTokens;
        string image = g.AddInput(options.ImageInputName, TensorProto.Types.DataType.Float, n, 3L, s, s);
        string ids = g.AddInput(options.InputIdsInputName, TensorProto.Types.DataType.Int64, n, t);
        string mask = g.AddInput(options.AttentionMaskInputName, TensorProto.Types.DataType.Int64, n, t);

        using (torch.no_grad())
        {
            var (head, probability) = model.EmitOnnx(g, image, ids, mask, withProbability: options.ProbabilityOutputName is not null);
            g.AddOutput(head.MaskLogits, options.MaskLogitsOutputName, TensorProto.Types.DataType.Float, n, head.Queries, head.MaskHeight, head.MaskWidth);
            if (options.ClassLogitsOutputName is not null)
                g.AddOutput(head.ClassLogits, options.ClassLogitsOutputName, TensorProto.Types.DataType.Float, n, head.Queries, head.Classes + 1);
            if (probability is not null)
                g.AddOutput(probability, options.ProbabilityOutputName!, TensorProto.Types.DataType.Float, n, head.Classes, s, s);
        }
        string version = typeof(MagNetOnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
        return g.ToModel($"magnet_{config.Name}", "MagNet.ML", version,
            $"MagNet referring image segmentation ({config.Name}): image {s}x{s}, {t} tokens; inference graph exported from TorchSharp.");
    }
}
