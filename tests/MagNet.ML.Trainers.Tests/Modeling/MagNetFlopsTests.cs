using MagNet.ML.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Modeling;

/// <summary>
/// The analytic FLOP count against two independent references: the profiler measurement of the official code
/// (MAGNET-SPEC §3.5) and the operations that actually run in a forward pass, tallied from the runtime shapes seen by
/// forward hooks on every layer and attention module (no use of the counting code).
/// </summary>
[TestClass]
public sealed class MagNetFlopsTests
{
    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    public void MagNetBMatchesTheProfilerMeasurementOfTheOfficialCode()
    {
        // torch.profiler on the official eval graph at 480², batch 1: ≈313 GFLOPs over addmm/mm/bmm/conv2d.
        var count = MagNetFlops.Count(MagNetConfig.MagNetB());
        TestContext.WriteLine($"MagNet-B: total {count.Total / 1e9:F2} GFLOP, profiler-counted {count.ProfilerCounted / 1e9:F2} GFLOP");
        Assert.IsLessThanOrEqualTo(0.03, Math.Abs(count.ProfilerCounted / 313e9 - 1), $"profiler-counted {count.ProfilerCounted / 1e9:F2} GFLOP");
        Assert.AreEqual(count.Total - count.Of(MagNetFlopKind.Conv1d), count.ProfilerCounted);
        Assert.IsGreaterThan(0L, count.Of(MagNetFlopKind.Conv1d));
        Assert.AreEqual(count.Total, count.ByPart.Values.Sum());
        Assert.AreEqual(count.Total, count.ByKind.Values.Sum());
    }

    [TestMethod]
    public void PartsFollowTheForwardPassAndMatchHandCounts()
    {
        var count = MagNetFlops.Count(MagNetConfig.MagNetB());
        var expectedParts = new List<string> { "image.stem" };
        for (int i = 1; i <= 4; i++)
            expectedParts.AddRange([$"image.stage{i}.swin", $"text.stage{i}.bert", $"image.stage{i}.fusion", $"text.stage{i}.fusion"]);
        expectedParts.AddRange(["head.pixel_decoder", "head.transformer_decoder"]);
        CollectionAssert.AreEqual(expectedParts, count.ByPart.Keys.ToList());
        Assert.AreEqual(count.ByPart["image.stage3.swin"], count.OfParts("image.stage3.swin"));
        Assert.AreEqual(count.Total, count.OfParts(""));

        // One BERT-base layer at T = 20 by hand: 4·T·768² + 2·T·768·3072 products with weights, 2·T²·768 between
        // activations, 2 FLOPs each; stage 1 runs layers 0..2.
        long layer = 2 * (4L * 20 * 768 * 768 + 2L * 20 * 768 * 3072 + 2L * 20 * 20 * 768);
        Assert.AreEqual(3 * layer, count.ByPart["text.stage1.bert"]);
        // The 4×4 stride-4 stem: 120² outputs × 128 channels × 3·4·4 inputs.
        Assert.AreEqual(2L * 120 * 120 * 128 * 48, count.ByPart["image.stem"]);
    }

    [TestMethod]
    [DataRow("official-parity-a")]
    [DataRow("padded-windows")]
    public void EveryLinearConvolutionAndProductOfAForwardPassIsCounted(string configuration)
    {
        var config = configuration == "official-parity-a" ? MagNetConfig.Load(Fixtures.ParityA("config.json")) : PaddedWindowsConfig();
        var expected = MagNetFlops.Count(config);

        torch.manual_seed(3);
        using var model = new MagNetModel(config);
        model.eval();
        var tally = new Dictionary<MagNetFlopKind, long>();
        Instrument(model, (kind, flops) => tally[kind] = tally.GetValueOrDefault(kind) + flops);

        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var image = torch.randn(1, 3, config.ImageSize, config.ImageSize);
        var ids = torch.randint(1000, 2000, [1, config.MaxTokens]);
        var mask = torch.ones(1, config.MaxTokens, dtype: ScalarType.Int64);
        mask[0, config.MaxTokens - 2] = torch.tensor(0L);
        mask[0, config.MaxTokens - 1] = torch.tensor(0L);
        using var output = model.call(image, ids, mask);

        foreach (var kind in Enum.GetValues<MagNetFlopKind>())
        {
            TestContext.WriteLine($"{kind,-8} counted {expected.Of(kind),14:N0}  ran {tally.GetValueOrDefault(kind),14:N0}");
            Assert.AreEqual(tally.GetValueOrDefault(kind), expected.Of(kind), $"{kind} FLOPs of {configuration}");
        }
        Assert.AreEqual(tally.Values.Sum(), expected.Total);
    }

    [TestMethod]
    public void InvalidConfigurationIsRejected()
    {
        var config = MagNetConfig.MagNetTiny();
        config.ImageSize = 100;   // not a multiple of patch·8
        Assert.ThrowsExactly<ArgumentException>(() => MagNetFlops.Count(config));
        Assert.ThrowsExactly<ArgumentNullException>(() => MagNetFlops.Count(null!));
    }

    // Stage maps 40, 20, 10, 5 with window 7 (all padded: 42, 21, 14, 7), a 3-wide MLP, a small BERT, 11 tokens,
    // two queries, and a head whose pixel-decoder width differs from the decoder width (decoder input projections).
    private static MagNetConfig PaddedWindowsConfig()
    {
        var config = MagNetConfig.MagNetTiny();
        config.ImageSize = 160;
        config.MaxTokens = 11;
        config.ImageModel.Kwargs.WindowSize = 7;
        config.ImageModel.Kwargs.MlpRatio = 3.0;
        config.LanguageModel.Config = new BertConfig { VocabSize = 3000, HiddenSize = 48, NumHiddenLayers = 4, NumAttentionHeads = 4, IntermediateSize = 80 };
        config.LanguageModel.PwamIdx = [1, 2, 3, 4];
        var cfg = config.Classifier.Cfg;
        cfg.ConvsDim = 64;
        cfg.MaskDim = 48;
        cfg.HiddenDim = 32;
        cfg.DimFeedforward = 40;
        cfg.DecLayers = 5;
        cfg.NumObjectQueries = 2;
        cfg.NumClasses = 3;
        config.Validate();
        return config;
    }

    // Registers forward hooks that report 2 × multiply-accumulates computed from the shapes each module sees.
    private static void Instrument(nn.Module model, Action<MagNetFlopKind, long> report)
    {
        static long Weight(nn.Module module, string name) => module.named_parameters().First(p => p.name == name).parameter.shape[0];

        foreach (var module in model.modules())
        {
            switch (module)
            {
                case Linear linear:
                    linear.register_forward_hook((_, input, output) =>
                    {
                        report(MagNetFlopKind.Linear, 2 * output.numel() * linear.weight!.shape[1]);
                        return output;
                    });
                    break;
                case Conv1d conv:
                    conv.register_forward_hook((_, input, output) =>
                    {
                        report(MagNetFlopKind.Conv1d, 2 * output.numel() * conv.weight!.shape[1] * conv.weight.shape[2]);
                        return output;
                    });
                    break;
                case Conv2d conv:
                    conv.register_forward_hook((_, input, output) =>
                    {
                        report(MagNetFlopKind.Conv2d, 2 * output.numel() * conv.weight!.shape[1] * conv.weight.shape[2] * conv.weight.shape[3]);
                        return output;
                    });
                    break;
                case WindowAttention attention:
                    // q·kᵀ and attn·v inside each window: [windows, N, C] → 2 products of N·N·C per window.
                    attention.register_forward_hook((_, x, _, output) =>
                    {
                        report(MagNetFlopKind.Matmul, 2 * 2 * x.shape[0] * x.shape[1] * x.shape[1] * x.shape[2]);
                        return output;
                    });
                    break;
                case BertSelfAttention attention:
                    attention.register_forward_hook((_, hidden, _, output) =>
                    {
                        report(MagNetFlopKind.Matmul, 2 * 2 * hidden.shape[0] * hidden.shape[1] * hidden.shape[1] * hidden.shape[2]);
                        return output;
                    });
                    break;
                case ImageLanguageAttention attention:
                    // Pixels [B, HW, ·] query words [B, ·, T]: scores over key channels, weighted sum over value channels.
                    long imageKey = Weight(attention, "f_query.0.weight"), imageValue = Weight(attention, "f_value.0.weight");
                    attention.register_forward_hook((_, x, l, _, output) =>
                    {
                        report(MagNetFlopKind.Matmul, 2 * x.shape[0] * x.shape[1] * l.shape[2] * (imageKey + imageValue));
                        return output;
                    });
                    break;
                case LanguageImageAttention attention:
                    // Words [B, T, ·] query pixels [B, HW, ·].
                    long textKey = Weight(attention, "f_query.0.weight"), textValue = Weight(attention, "f_value.0.weight");
                    attention.register_forward_hook((_, x, pixels, _, output) =>
                    {
                        report(MagNetFlopKind.Matmul, 2 * x.shape[0] * x.shape[1] * pixels.shape[1] * (textKey + textValue));
                        return output;
                    });
                    break;
                case PackedMultiheadAttention attention:
                    // Packed q/k/v input projections (functional linear), then scores and weighted values; out_proj is a Linear.
                    attention.register_forward_hook((_, query, key, _, _, output) =>
                    {
                        long targets = query.shape[0], batch = query.shape[1], width = query.shape[2], sources = key.shape[0];
                        report(MagNetFlopKind.Linear, 2 * batch * (targets + 2 * sources) * width * width);
                        report(MagNetFlopKind.Matmul, 2 * 2 * batch * targets * sources * width);
                        return output;
                    });
                    break;
                case MaskedTransformerDecoder decoder:
                    // Each prediction's mask logits: ⟨mask embedding, mask feature⟩ per query and pixel.
                    decoder.register_forward_hook((_, _, maskFeatures, output) =>
                    {
                        foreach (var prediction in output.Predictions)
                            report(MagNetFlopKind.Matmul, 2 * prediction.Masks.numel() * maskFeatures.shape[1]);
                        return output;
                    });
                    break;
            }
        }
    }
}
