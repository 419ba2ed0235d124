using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// Reads the ImageNet ResNet-18 that ML.NET's <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> NuGet package ships
/// (<c>tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx</c>: a CNTK 2.6 export, opset 8, 22 convolutions without bias
/// each followed by an unfolded BatchNormalization, depths 2/2/2/3) into a <see cref="ResNetImageEncoder"/>. Its
/// initializers are named <c>ParameterNN</c>/<c>ConstantNN</c>, so the convolutions are matched in graph order and each
/// one's kernel, stride, paddings and weight shape are checked against the encoder's; its norm is the BatchNormalization
/// that reads the convolution's output. The network expects BGR pixels in 0–255 minus a mean image
/// (<c>ResNetPrepOnnx/ResNetPreprocess.onnx</c>).
/// </summary>
public static class DnnImageFeaturizerResNet18
{
    /// <summary>Path of the network inside the package folder.</summary>
    public const string ModelPathInPackage = "tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx";

    /// <summary>
    /// Where the file is in an application that references the package: the package copies its <c>DnnImageModels</c>
    /// folder into the build output, so this is <c>DnnImageModels/ResNet18Onnx/ResNet18.onnx</c> under the
    /// application's base directory (the place ML.NET's own <c>DnnFeaturizeImage</c> reads it from).
    /// </summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");

    /// <summary>Copies the weights of the ONNX file at <paramref name="onnxPath"/> into <paramref name="encoder"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not that network, or does not fit the encoder (the message names the node).</exception>
    public static void Load(ResNetImageEncoder encoder, string onnxPath)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        if (!File.Exists(onnxPath)) throw new FileNotFoundException($"The ResNet-18 ONNX file '{onnxPath}' does not exist.", onnxPath);
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(onnxPath);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"'{onnxPath}' is not an ONNX model: {e.Message}", e);
        }
        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var convolutions = graph.Node.Where(n => n.OpType == "Conv").ToList();
        var normsByInput = graph.Node.Where(n => n.OpType == "BatchNormalization").ToLookup(n => n.Input[0]);
        var targets = encoder.ConvolutionsInOrder().ToList();
        if (convolutions.Count != targets.Count)
            throw new InvalidDataException($"'{onnxPath}' has {convolutions.Count} convolutions; the encoder (depths {string.Join("/", encoder.Depths)}) has {targets.Count}.");
        for (int i = 0; i < targets.Count; i++)
        {
            var node = convolutions[i];
            var (conv, norm) = targets[i];
            string where = $"'{onnxPath}', convolution {i} ('{node.Output[0]}')";
            var weight = Initializer(initializers, node, 1, where);
            long[] kernel = Ints(node, "kernel_shape"), strides = Ints(node, "strides"), pads = Ints(node, "pads");
            if (node.Input.Count > 2) throw new InvalidDataException($"{where} has a bias; the encoder's convolutions have none.");
            if (!weight.Dims.SequenceEqual([conv.OutChannels, conv.InChannels, conv.Kernel, conv.Kernel])
                || !kernel.SequenceEqual([conv.Kernel, conv.Kernel]) || !strides.SequenceEqual([conv.Stride, conv.Stride])
                || !pads.SequenceEqual([conv.PadBefore, conv.PadBefore, conv.PadAfter, conv.PadAfter]))
                throw new InvalidDataException($"{where}: weight [{string.Join(", ", weight.Dims)}], kernel {string.Join("×", kernel)}, stride " +
                    $"{string.Join("/", strides)}, pads {string.Join("/", pads)}; the encoder expects [{conv.OutChannels}, {conv.InChannels}, " +
                    $"{conv.Kernel}, {conv.Kernel}], stride {conv.Stride}, pads {conv.PadBefore} before and {conv.PadAfter} after.");
            var bn = normsByInput[node.Output[0]].ToList();
            if (bn.Count != 1) throw new InvalidDataException($"{where} is read by {bn.Count} BatchNormalization nodes; one was expected.");
            float epsilon = bn[0].Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
            if (Math.Abs(epsilon - norm.Eps) > 1e-9)
                throw new InvalidDataException($"{where}: its BatchNormalization has epsilon {epsilon}; the encoder's norms use {norm.Eps}.");
            using var scope = NewDisposeScope();
            using (torch.no_grad()) conv.Weight.copy_(OnnxInitializer.ToTensor(weight));
            norm.Load(OnnxInitializer.ToTensor(Initializer(initializers, bn[0], 1, where)), OnnxInitializer.ToTensor(Initializer(initializers, bn[0], 2, where)),
                OnnxInitializer.ToTensor(Initializer(initializers, bn[0], 3, where)), OnnxInitializer.ToTensor(Initializer(initializers, bn[0], 4, where)));
        }
    }

    private static TensorProto Initializer(Dictionary<string, TensorProto> initializers, NodeProto node, int input, string where)
    {
        if (node.Input.Count <= input || !initializers.TryGetValue(node.Input[input], out var tensor))
            throw new InvalidDataException($"{where}: input {input} of its {node.OpType} is not a stored tensor.");
        if (tensor.DataType != (int)TensorProto.Types.DataType.Float)
            throw new InvalidDataException($"{where}: tensor '{tensor.Name}' is of ONNX type {tensor.DataType}, not float.");
        return tensor;
    }

    private static long[] Ints(NodeProto node, string name) =>
        node.Attribute.FirstOrDefault(a => a.Name == name)?.Ints.ToArray() ?? [];
}
