using MagNet.ML.Modeling;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = TorchSharp.torch.Tensor;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Export;

/// <summary>Small configurations, random weights and an ONNX Runtime runner for the exporter tests.</summary>
internal static class ExportTestSupport
{
    /// <summary>
    /// A small configuration that reaches every export path: 64² input with window 3 (window padding at every
    /// stage, shifted blocks with non-trivial masks), two blocks per stage, multi-head PWAMs, a 4-layer BERT,
    /// and a head whose decoder visits all three levels.
    /// </summary>
    public static MagNetConfig SmallConfig(bool quirk, bool preNorm, bool absolutePositions)
    {
        var config = new MagNetConfig
        {
            Name = "export-test",
            ImageSize = 64,
            MaxTokens = 7,
            LanguagePwamQuirk = quirk,
            LangProjDim = 32,
            ImageModel = new ImageModelSection
            {
                Kwargs = new ImageModelConfig
                {
                    EmbedDim = 8, Depths = [2, 2, 2, 2], NumHeads = [1, 2, 2, 4], WindowSize = 3, Ape = absolutePositions,
                    PretrainImgSize = 40, NumHeadsFusion = [1, 2, 2, 2], DropPathRate = 0.2, DropRate = 0.1,
                },
            },
            LanguageModel = new LanguageModelSection
            {
                Config = new BertConfig { VocabSize = 50, HiddenSize = 16, NumHiddenLayers = 4, NumAttentionHeads = 2, IntermediateSize = 32, MaxPositionEmbeddings = 16 },
                EmbedDim = 8,
                PwamIdx = [1, 2, 3, 4],
                NumHeadsFusion = [1, 2, 1, 2],
            },
            Classifier = new ClassifierSection
            {
                Cfg = new ClassifierConfig
                {
                    TransformerEncLayers = 1, ConvsDim = 32, MaskDim = 16, HiddenDim = 32, NHeads = 4, DimFeedforward = 48,
                    DecLayers = 4, PreNorm = preNorm, Dropout = 0.1,
                },
            },
        };
        config.Classifier.InputShape = config.BackboneFeatureShapes();
        return config;
    }

    /// <summary>
    /// Overwrites every parameter with seeded random values that open every gate and keep activations moderate:
    /// matrices N(0, 1/fan_in), vectors N(0, 0.1), norm weights U(0.75, 1.25), embeddings and tables N(0, 0.5²).
    /// </summary>
    public static void Randomize(nn.Module model, long seed)
    {
        var generator = new Generator((ulong)seed);
        using var noGrad = no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            using var scope = NewDisposeScope();
            Tensor value;
            bool isNorm = name.Contains("norm", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".weight", StringComparison.Ordinal) && p.dim() == 1;
            if (isNorm) value = rand(p.shape, generator: generator) * 0.5 + 0.75;
            else if (name.Contains("embed", StringComparison.Ordinal) || name.Contains("relative_position_bias_table", StringComparison.Ordinal)) value = randn(p.shape, generator: generator) * 0.5;
            else if (p.dim() >= 2) value = randn(p.shape, generator: generator) / Math.Sqrt(p.numel() / p.shape[0]);
            else value = randn(p.shape, generator: generator) * 0.1;
            p.copy_(value);
        }
        // Keep the mask logits moderate, so the probability maps are not saturated at 0/1.
        foreach (var (name, p) in model.named_parameters())
            if (name.StartsWith("classifier.predictor.mask_embed.layers.2.", StringComparison.Ordinal)) p.mul_(0.05);
    }

    /// <summary>Token ids in [1, vocab) after [CLS]=1-style starts, with a different padding length per row.</summary>
    public static (Tensor Ids, Tensor Mask) RandomTokens(int batch, int tokens, int vocab, long seed)
    {
        var random = new Random((int)seed);
        var ids = new long[batch * tokens];
        var mask = new long[batch * tokens];
        for (int b = 0; b < batch; b++)
        {
            int length = 2 + (b * 3 + random.Next(tokens)) % (tokens - 1);
            for (int t = 0; t < length; t++)
            {
                ids[b * tokens + t] = random.Next(1, vocab);
                mask[b * tokens + t] = 1;
            }
        }
        return (tensor(ids, [batch, tokens]), tensor(mask, [batch, tokens]));
    }

    /// <summary>Runs <paramref name="modelPath"/> in ONNX Runtime (CPU, one thread) and returns the requested float outputs.</summary>
    public static Dictionary<string, Tensor> RunOnnx(string modelPath, IReadOnlyDictionary<string, Tensor> inputs, params string[] outputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(modelPath, options);
        var values = new List<NamedOnnxValue>();
        foreach (var (name, t) in inputs)
        {
            int[] dims = t.shape.Select(d => (int)d).ToArray();
            values.Add(t.dtype == ScalarType.Int64
                ? NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(t.data<long>().ToArray(), dims))
                : NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(t.to_type(ScalarType.Float32).data<float>().ToArray(), dims)));
        }
        using var results = session.Run(values, outputs);
        return results.ToDictionary(r => r.Name, r =>
        {
            var dense = (DenseTensor<float>)r.AsTensor<float>();
            return tensor(dense.Buffer.ToArray(), dense.Dimensions.ToArray().Select(d => (long)d).ToArray());
        });
    }

    /// <summary>max |a − b| in double precision.</summary>
    public static double MaxAbsDifference(Tensor a, Tensor b)
    {
        CollectionAssert.AreEqual(a.shape, b.shape, $"shapes [{string.Join(",", a.shape)}] and [{string.Join(",", b.shape)}]");
        using var scope = NewDisposeScope();
        return (a.to_type(ScalarType.Float64) - b.to_type(ScalarType.Float64)).abs().max().item<double>();
    }

    /// <summary>max |t| in double precision.</summary>
    public static double MaxAbs(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.to_type(ScalarType.Float64).abs().max().item<double>();
    }

    /// <summary>A fresh temporary file path ending in <paramref name="extension"/> (the caller deletes it).</summary>
    public static string TemporaryPath(string extension) => Path.Combine(Path.GetTempPath(), $"magnet-export-{Guid.NewGuid():N}{extension}");
}
