using MagNet.ML.Modeling;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Modeling;

/// <summary>
/// Tensor-by-tensor parity of the backbone with the official MagNet eval graph (fixture official-parity-a: random
/// weights, two real tokenisations, every intermediate recorded by the official code).
/// </summary>
[TestClass]
public sealed class BackboneParityTests
{
    // The brief's bound (max |diff| ≤ 1e-3·max|ref|) and the fixture README's stricter float32 bound
    // (|diff| ≤ 1e-4·max(1, max|ref|) elementwise) are both asserted.
    private const double RelativeTolerance = 1e-3;
    private const double ReadmeTolerance = 1e-4;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    public void EveryBackboneIntermediateMatchesTheOfficialCode()
    {
        using var scope = NewDisposeScope();
        var config = MagNetConfig.Load(Fixtures.ParityA("config.json"));
        using var backbone = LoadedBackbone(config);
        var inputs = Safetensors.LoadStateDict(Fixtures.ParityA("inputs.safetensors"));
        var expected = Safetensors.LoadStateDict(Fixtures.ParityA("outputs.safetensors"))
            .Where(e => e.Key.StartsWith("img.", StringComparison.Ordinal) || e.Key.StartsWith("lang.", StringComparison.Ordinal))
            .ToDictionary(e => e.Key, e => e.Value);
        // Per image stage: its blocks, 4 pools, 4 branch PWAMs, cam.up, pwam_att, pwam, gate, fused, Y (+ down before the
        // last stage); per language stage: its BERT layers, pwam_att, pwam, gate, fused, norm; plus mask, embeddings, stem.
        var kw = config.ImageModel.Kwargs;
        int layers = config.LanguageModel.Config.NumHiddenLayers;
        Assert.HasCount(3 + kw.Depths.Sum() + 4 * 14 + 3 + layers + 4 * 5, expected, "the fixture holds every backbone intermediate");

        using var recorder = TensorRecorder.Begin();
        using (torch.no_grad())
        using (var output = backbone.call(inputs["image"], inputs["input_ids"], inputs["attention_mask"]))
        {
            var failures = new List<string>();
            double worst = 0;
            foreach (var (name, reference) in expected.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                if (!recorder.Tensors.TryGetValue(name, out var actual)) { failures.Add($"{name}: not recorded"); continue; }
                double relative = RelativeDifference(actual, reference, out string detail);
                worst = Math.Max(worst, relative);
                TestContext.WriteLine($"{name,-34} {detail}");
                if (!(relative <= RelativeTolerance)) failures.Add($"{name}: {detail}");
                if (!WithinReadmeBound(actual, reference)) failures.Add($"{name}: exceeds 1e-4·max(1, max|ref|): {detail}");
            }
            TestContext.WriteLine($"largest difference relative to max|ref|: {worst:E2} over {expected.Count} tensors");
            Assert.IsEmpty(failures, string.Join("\n", failures));

            for (int i = 0; i < 4; i++)
                Assert.IsLessThanOrEqualTo(RelativeTolerance, RelativeDifference(output.Features[i], expected[$"img.stage{i + 1}.Y"], out _), $"Y{i + 1}");
            Assert.IsLessThanOrEqualTo(RelativeTolerance, RelativeDifference(output.LanguageFeatures, expected["lang.stage4.fused"], out _));
            Assert.IsLessThanOrEqualTo(RelativeTolerance, RelativeDifference(output.ExtendedAttentionMask, expected["lang.extended_attention_mask"], out _));
        }
    }

    [TestMethod]
    public void ComputedRelativePositionIndicesEqualTheOfficialBuffers()
    {
        var config = MagNetConfig.Load(Fixtures.ParityA("config.json"));
        using var backbone = new MagNetBackbone(config);
        var official = Safetensors.LoadStateDict(Fixtures.ParityA("weights.safetensors"))
            .Where(e => e.Key.EndsWith("relative_position_index", StringComparison.Ordinal)).ToList();
        Assert.HasCount(config.ImageModel.Kwargs.Depths.Sum(), official);
        var ours = backbone.state_dict();
        foreach (var (name, reference) in official)
        {
            Assert.AreEqual(ScalarType.Int64, ours[name].dtype, name);
            CollectionAssert.AreEqual(reference.shape, ours[name].shape, name);
            Assert.IsTrue(ours[name].eq(reference).all().item<bool>(), name);
        }
    }

    [TestMethod]
    public void WithTheQuirkEveryValidTokenGetsTheSameLanguageAttention()
    {
        // Spec §3.1: the additive mask zeroes every valid token's query, so its attention over pixels is uniform and
        // all valid tokens of a sentence receive the same vector (InstanceNorm over tokens keeps equal rows equal).
        var config = MagNetConfig.Load(Fixtures.ParityA("config.json"));
        var attention = LanguageAttention(config);
        var mask = Safetensors.LoadStateDict(Fixtures.ParityA("inputs.safetensors"))["attention_mask"];
        for (int b = 0; b < mask.shape[0]; b++)
        {
            int valid = (int)mask[b].sum().item<long>();
            var rows = attention[b, TensorIndex.Slice(0, valid)];
            Assert.IsTrue(rows.allclose(rows[0].expand_as(rows), rtol: 0, atol: 1e-6), $"sentence {b}: valid rows differ");
        }
    }

    [TestMethod]
    public void WithoutTheQuirkValidTokensAttendDifferently()
    {
        var config = MagNetConfig.Load(Fixtures.ParityA("config.json"));
        config.LanguagePwamQuirk = false;
        var attention = LanguageAttention(config);
        var mask = Safetensors.LoadStateDict(Fixtures.ParityA("inputs.safetensors"))["attention_mask"];
        int valid = (int)mask[0].sum().item<long>();
        var rows = attention[0, TensorIndex.Slice(0, valid)];
        Assert.IsFalse(rows.allclose(rows[0].expand_as(rows), rtol: 0, atol: 1e-3), "with a 0/1 query mask each token has its own attention");
    }

    private static Tensor LanguageAttention(MagNetConfig config)
    {
        using var backbone = LoadedBackbone(config);
        var inputs = Safetensors.LoadStateDict(Fixtures.ParityA("inputs.safetensors"));
        using var recorder = TensorRecorder.Begin();
        using (torch.no_grad())
        using (backbone.call(inputs["image"], inputs["input_ids"], inputs["attention_mask"]))
        {
        }
        return recorder.Tensors["lang.stage1.pwam_att"].clone();
    }

    internal static MagNetBackbone LoadedBackbone(MagNetConfig config)
    {
        var backbone = new MagNetBackbone(config);
        var weights = Safetensors.LoadStateDict(Fixtures.ParityA("weights.safetensors"));
        var ours = weights.Where(e => e.Key.StartsWith("image_model.", StringComparison.Ordinal) || e.Key.StartsWith("language_model.", StringComparison.Ordinal))
            .ToDictionary(e => e.Key, e => e.Value);
        var (missing, unexpected) = backbone.load_state_dict(ours, strict: true);
        Assert.IsEmpty(missing);
        Assert.IsEmpty(unexpected);
        foreach (var tensor in weights.Values) tensor.Dispose();
        backbone.eval();
        return backbone;
    }

    private static bool WithinReadmeBound(Tensor actual, Tensor reference)
    {
        using var scope = NewDisposeScope();
        var r = reference.to_type(ScalarType.Float64);
        double bound = ReadmeTolerance * Math.Max(1, r.abs().max().item<double>());
        return (actual.to_type(ScalarType.Float64) - r).abs().max().item<double>() <= bound;
    }

    /// <summary>max |actual − reference| / max(|reference|), with a readable detail line; +∞ on a shape or dtype mismatch.</summary>
    private static double RelativeDifference(Tensor actual, Tensor reference, out string detail)
    {
        if (!actual.shape.SequenceEqual(reference.shape))
        {
            detail = $"shape {Fixtures.Describe(actual.shape)} != {Fixtures.Describe(reference.shape)}";
            return double.PositiveInfinity;
        }
        using var scope = NewDisposeScope();
        var a = actual.to_type(ScalarType.Float64);
        var r = reference.to_type(ScalarType.Float64);
        double maxDiff = (a - r).abs().max().item<double>();
        double maxRef = r.abs().max().item<double>();
        double relative = maxDiff / Math.Max(maxRef, 1e-12);
        detail = $"max|diff| {maxDiff:E2}  max|ref| {maxRef:G3}  relative {relative:E2}";
        return relative;
    }
}
