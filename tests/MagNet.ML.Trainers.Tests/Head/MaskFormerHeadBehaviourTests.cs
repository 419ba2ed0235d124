using System.Text.RegularExpressions;
using MagNet.ML.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Head;

/// <summary>Shapes, memory, gradients and the attention-mask rule of a small randomly initialised head.</summary>
[TestClass]
public sealed class MaskFormerHeadBehaviourTests
{
    [ClassInitialize]
    public static void SingleThread(TestContext _) => torch.set_num_threads(1);

    // Two queries and three classes, a pixel decoder wider than the decoder (so the decoder projects its inputs).
    private static MaskFormerHeadOptions SmallOptions() => new()
    {
        InputChannels = [4, 8, 16, 32],
        ConvDim = 32,
        MaskDim = 12,
        HiddenDim = 16,
        NumHeads = 4,
        TransformerEncoderLayers = 2,
        EncoderFeedforwardDim = 24,
        NumPoints = 2,
        DecLayers = 5,
        DimFeedforward = 20,
        NumQueries = 2,
        NumClasses = 3,
    };

    // Features of a 32x32 image: s1 8x8, s2 4x4, s3 2x2, s4 1x1.
    private static Tensor[] Features(long batch, MaskFormerHeadOptions options, Generator generator) =>
        Enumerable.Range(0, 4).Select(i => randn(new long[] { batch, options.InputChannels[i], 8 >> i, 8 >> i }, generator: generator)).ToArray();

    [TestMethod]
    public void OutputShapesFollowTheOptions()
    {
        torch.manual_seed(3);
        var options = SmallOptions();
        using var head = new MaskFormerHead(options);
        using var generator = new Generator(5);
        var s = Features(2, options, generator);
        using var output = head.call(s[0], s[1], s[2], s[3]);
        CollectionAssert.AreEqual(new long[] { 2, 2, 4 }, output.PredLogits.shape);
        CollectionAssert.AreEqual(new long[] { 2, 2, 8, 8 }, output.PredMasks.shape);
        CollectionAssert.AreEqual(new long[] { 2, 12, 8, 8 }, output.MaskFeatures.shape);
        CollectionAssert.AreEqual(new long[] { 2, 2, 16 }, output.QueryEmbedding.shape);
        Assert.HasCount(4, output.AuxOutputs); // DecLayers - 1 earlier predictions
        foreach (var aux in output.AuxOutputs)
        {
            CollectionAssert.AreEqual(new long[] { 2, 2, 4 }, aux.Logits.shape);
            CollectionAssert.AreEqual(new long[] { 2, 2, 8, 8 }, aux.Masks.shape);
        }
        // CONVS_DIM != HIDDEN_DIM: the decoder gets 1x1 input projections, as the official decoder does.
        var stateDict = head.state_dict();
        CollectionAssert.AreEqual(new long[] { 16, 32, 1, 1 }, stateDict["predictor.input_proj.2.weight"].shape);
        Assert.IsFalse(stateDict.ContainsKey("predictor.input_proj.3.weight"));
        foreach (var t in s) t.Dispose();
    }

    [TestMethod]
    public void MaskLogitsAreTheInnerProductOfQueryEmbeddingAndMaskFeatures()
    {
        // Independent recomputation of the final mask from the returned query embedding through mask_embed.
        torch.manual_seed(4);
        var options = SmallOptions();
        using var head = new MaskFormerHead(options);
        using var generator = new Generator(6);
        var s = Features(1, options, generator);
        using var output = head.call(s[0], s[1], s[2], s[3]);
        var p = head.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        using var scope = NewDisposeScope();
        var x = output.QueryEmbedding;
        x = nn.functional.relu(nn.functional.linear(x, p["predictor.mask_embed.layers.0.weight"], p["predictor.mask_embed.layers.0.bias"]));
        x = nn.functional.relu(nn.functional.linear(x, p["predictor.mask_embed.layers.1.weight"], p["predictor.mask_embed.layers.1.bias"]));
        x = nn.functional.linear(x, p["predictor.mask_embed.layers.2.weight"], p["predictor.mask_embed.layers.2.bias"]);
        // [1, Q, C] x [1, C, H·W] -> [1, Q, H·W]
        var masks = x.bmm(output.MaskFeatures.flatten(2)).view(output.PredMasks.shape);
        double maxDiff = (masks - output.PredMasks).abs().max().item<float>();
        Assert.IsLessThan(1e-4, maxDiff);
        var logits = nn.functional.linear(output.QueryEmbedding, p["predictor.class_embed.weight"], p["predictor.class_embed.bias"]);
        Assert.IsLessThan(1e-5, (logits - output.PredLogits).abs().max().item<float>());
        foreach (var t in s) t.Dispose();
    }

    [TestMethod]
    public void FreshHeadHasPyTorchNormInitialisation()
    {
        // GroupNorm and LayerNorm start as the identity transform: weight 1, bias 0 (PyTorch's reset_parameters).
        using var head = new MaskFormerHead(SmallOptions());
        var norms = head.named_parameters()
            .Where(p => p.name.Contains("norm", StringComparison.Ordinal) || Regex.IsMatch(p.name, @"^pixel_decoder\.input_proj\.\d+\.1\."))
            .ToArray();
        Assert.HasCount(4 * 2 + 2 * 2 * 2 + 4 * 3 * 2 + 2, norms); // input GroupNorms, encoder norm1/norm2, decoder layer norms, decoder_norm
        foreach (var (name, parameter) in norms)
        {
            float expected = name.EndsWith(".weight", StringComparison.Ordinal) ? 1f : 0f;
            Assert.IsTrue(parameter.eq(expected).all().item<bool>(), $"{name} should start at {expected}");
        }
        Assert.IsTrue(head.parameters().All(p => p.isfinite().all().item<bool>()), "every parameter is finite");
    }

    [TestMethod]
    public void ForwardLeavesNoTensorBehindItsOutput()
    {
        torch.manual_seed(5);
        var options = SmallOptions();
        using var head = new MaskFormerHead(options);
        using var generator = new Generator(7);
        var s = Features(1, options, generator);
        head.call(s[0], s[1], s[2], s[3]).Dispose(); // warm-up
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (no_grad())
        {
            head.call(s[0], s[1], s[2], s[3]).Dispose();
        }
        Assert.AreEqual(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        foreach (var t in s) t.Dispose();
    }

    [TestMethod]
    public void BackwardReachesEveryParameter()
    {
        torch.manual_seed(6);
        var options = SmallOptions();
        using var head = new MaskFormerHead(options);
        head.train();
        using var generator = new Generator(8);
        // The official initialisation zeroes the offset and attention-weight projections, so at first the queries
        // (and the level embedding added to them) do not steer the sampling; perturb every weight to leave that point.
        using (no_grad())
        {
            foreach (var parameter in head.parameters())
                parameter.add_(randn(parameter.shape, generator: generator) * 0.05);
        }
        var s = Features(2, options, generator);
        using var output = head.call(s[0], s[1], s[2], s[3]);
        using var scope = NewDisposeScope();
        var loss = output.PredLogits.square().sum() + output.PredMasks.square().mean() + output.MaskFeatures.square().mean();
        foreach (var aux in output.AuxOutputs) loss = loss + aux.Logits.square().sum() + aux.Masks.square().mean();
        loss.backward();
        var withoutGradient = head.named_parameters()
            .Where(p => p.parameter.grad is null || p.parameter.grad.abs().sum().item<float>() == 0)
            .Select(p => p.name).ToArray();
        Assert.IsEmpty(withoutGradient, string.Join(", ", withoutGradient));
        foreach (var t in s) t.Dispose();
    }

    [TestMethod]
    public void QueriesWhoseMaskIsEmptyAttendEverywhere()
    {
        // Constant mask features (1) and a mask head that outputs a constant embedding make every mask logit
        // equal to (sign) * MaskDim, so the raw attention mask is all blocked (negative) or all open (positive).
        foreach (float sign in new[] { -1f, 1f })
        {
            var options = SmallOptions();
            using var head = new MaskFormerHead(options);
            var p = head.named_parameters().ToDictionary(x => x.name, x => x.parameter);
            using (no_grad())
            {
                p["pixel_decoder.mask_features.weight"].zero_();
                p["pixel_decoder.mask_features.bias"].fill_(1);
                p["predictor.mask_embed.layers.2.weight"].zero_();
                p["predictor.mask_embed.layers.2.bias"].fill_(sign);
            }
            using var generator = new Generator(9);
            var s = Features(1, options, generator);
            using var recorder = TensorRecorder.Begin();
            using var output = head.call(s[0], s[1], s[2], s[3]);
            var raw = recorder.Tensors["dec.pred0.attn_mask_raw"];
            var used = recorder.Tensors["dec.layer0.attn_mask"];
            CollectionAssert.AreEqual(new long[] { options.NumHeads, options.NumQueries, 1 }, raw.shape); // s4 is 1x1
            Assert.AreEqual(sign < 0, raw.all().item<bool>(), "raw mask: blocked exactly where sigmoid < 0.5");
            Assert.IsFalse(used.any().item<bool>(), "a fully blocked row is opened; an open row stays open");
            Assert.IsTrue(output.PredMasks.isfinite().all().item<bool>());
            foreach (var t in s) t.Dispose();
        }
    }

    [TestMethod]
    public void PreNormLayersKeepTheResidualUnnormalised()
    {
        // With a zero output projection a layer adds nothing: pre-norm returns its input, post-norm LayerNorm(input).
        using var generator = new Generator(10);
        using var target = randn(new long[] { 2, 3, 16 }, generator: generator) * 3 + 1;
        using var memory = randn(new long[] { 5, 3, 16 }, generator: generator);
        using var memoryPos = zeros(5, 3, 16);
        using var queryPos = zeros(2, 3, 16);
        foreach (bool preNorm in new[] { true, false })
        {
            using var cross = new DecoderCrossAttentionLayer(16, 4, preNorm);
            using var self = new DecoderSelfAttentionLayer(16, 4, preNorm);
            using var ffn = new DecoderFeedForwardLayer(16, 8, preNorm);
            using (no_grad())
            {
                foreach (var (name, parameter) in cross.named_parameters().Concat(self.named_parameters()))
                    if (name.StartsWith("multihead_attn.out_proj", StringComparison.Ordinal) || name.StartsWith("self_attn.out_proj", StringComparison.Ordinal)) parameter.zero_();
                foreach (var (name, parameter) in ffn.named_parameters())
                    if (name.StartsWith("linear2", StringComparison.Ordinal)) parameter.zero_();
            }
            using var scope = NewDisposeScope();
            // LayerNorm with unit weight and zero bias, written out: (x - mean) / sqrt(biased var + 1e-5).
            var normalised = (target - target.mean(new long[] { -1 }, keepdim: true)) / (target.var(-1, unbiased: false, keepdim: true) + 1e-5).sqrt();
            var expected = preNorm ? target : normalised;
            Assert.IsLessThan(1e-5, (cross.call(target, memory, null, memoryPos, queryPos) - expected).abs().max().item<float>(), $"cross, preNorm={preNorm}");
            Assert.IsLessThan(1e-5, (self.call(target, queryPos) - expected).abs().max().item<float>(), $"self, preNorm={preNorm}");
            Assert.IsLessThan(1e-5, (ffn.call(target) - expected).abs().max().item<float>(), $"ffn, preNorm={preNorm}");
        }
    }

    [TestMethod]
    public void RejectsInputsThatDoNotMatchTheOptions()
    {
        var options = SmallOptions();
        using var head = new MaskFormerHead(options);
        using var generator = new Generator(11);
        var s = Features(1, options, generator);
        using var wrong = zeros(1, 5, 8, 8);
        var error = Assert.ThrowsExactly<ArgumentException>(() => head.call(wrong, s[1], s[2], s[3]));
        StringAssert.Contains(error.Message, "s1");
        foreach (var t in s) t.Dispose();
    }

    [TestMethod]
    public void RejectsOptionsThatCannotBuildAHead()
    {
        Assert.ThrowsExactly<ArgumentException>(() => new MaskFormerHead(new MaskFormerHeadOptions { CommonStride = 8 }));
        Assert.ThrowsExactly<ArgumentException>(() => new MaskFormerHead(new MaskFormerHeadOptions { ConvDim = 48 }));
        Assert.ThrowsExactly<ArgumentException>(() => new MaskFormerHead(new MaskFormerHeadOptions { InputChannels = [128, 256, 512] }));
        Assert.ThrowsExactly<ArgumentException>(() => new MaskFormerHead(new MaskFormerHeadOptions { HiddenDim = 250 }));
    }
}
