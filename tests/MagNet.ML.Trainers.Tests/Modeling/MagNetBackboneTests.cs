using MagNet.ML.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Modeling;

/// <summary>Shapes, determinism, memory hygiene and input checks of the interleaved backbone forward.</summary>
[TestClass]
public sealed class MagNetBackboneTests
{
    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    public void TinyConfigurationProducesAFeatureAtEveryStride()
    {
        var config = MagNetConfig.MagNetTiny();
        using var backbone = new MagNetBackbone(config);
        backbone.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var (image, ids, mask) = Inputs(batch: 2, config.ImageSize, config.MaxTokens);
        using var output = backbone.call(image, ids, mask);
        Assert.HasCount(4, output.Features);
        for (int i = 0; i < 4; i++)
        {
            long side = config.ImageSize / (4L << i);   // strides 4, 8, 16, 32
            CollectionAssert.AreEqual(new long[] { 2, 32L << i, side, side }, output.Features[i].shape, $"Y{i + 1}");
            Assert.IsTrue(output.Features[i].isfinite().all().item<bool>(), $"Y{i + 1} finite");
        }
        CollectionAssert.AreEqual(new long[] { 2, config.MaxTokens, 384 }, output.LanguageFeatures.shape);
        CollectionAssert.AreEqual(new long[] { 2, 1, 1, config.MaxTokens }, output.ExtendedAttentionMask.shape);
    }

    [TestMethod]
    public void PaddedWindowsOnEveryStageKeepTheShapes()
    {
        var config = MagNetConfig.Load(Fixtures.ParityA("config.json"));
        config.ImageModel.Kwargs.WindowSize = 7;   // stage maps 24, 12, 6, 3: every stage is padded
        using var backbone = new MagNetBackbone(config);
        backbone.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var (image, ids, mask) = Inputs(batch: 1, config.ImageSize, 8);
        using var output = backbone.call(image, ids, mask);
        for (int i = 0; i < 4; i++)
        {
            long side = 24 >> i;
            CollectionAssert.AreEqual(new long[] { 1, 8L << i, side, side }, output.Features[i].shape);
            Assert.IsTrue(output.Features[i].isfinite().all().item<bool>());
        }
    }

    [TestMethod]
    public void EvaluationIsDeterministicAndTrainingIsStochastic()
    {
        var config = MagNetConfig.Load(Fixtures.ParityA("config.json"));   // drop_path 0.3, BERT dropout 0.1
        using var backbone = new MagNetBackbone(config);
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var (image, ids, mask) = Inputs(batch: 2, config.ImageSize, 10);

        backbone.eval();
        using (var first = backbone.call(image, ids, mask))
        using (var second = backbone.call(image, ids, mask))
        {
            for (int i = 0; i < 4; i++) Assert.IsTrue(first.Features[i].equal(second.Features[i]).all().item<bool>(), $"eval Y{i + 1}");
            Assert.IsTrue(first.LanguageFeatures.equal(second.LanguageFeatures).all().item<bool>());
        }

        backbone.train();
        using (var first = backbone.call(image, ids, mask))
        using (var second = backbone.call(image, ids, mask))
        {
            Assert.IsFalse(first.Features[3].allclose(second.Features[3]), "drop path and dropout change the training forward");
            Assert.IsFalse(first.LanguageFeatures.allclose(second.LanguageFeatures));
        }
    }

    [TestMethod]
    public void GradientsReachBothEncoders()
    {
        var config = MagNetConfig.Load(Fixtures.ParityA("config.json"));
        using var backbone = new MagNetBackbone(config);
        backbone.train();
        using var scope = NewDisposeScope();
        var (image, ids, mask) = Inputs(batch: 2, config.ImageSize, 8);
        using (var output = backbone.call(image, ids, mask))
        {
            var loss = output.Features.Select(f => f.square().mean()).Aggregate((a, b) => a + b) + output.LanguageFeatures.square().mean();
            loss.backward();
        }
        var parameters = backbone.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var name in new[]
        {
            "image_model.patch_embed.proj.weight", "image_model.layers.3.mixer.2.weight", "image_model.layers.2.fusions.3.image_lang_att.f_key.0.weight",
            "language_model.embeddings.word_embeddings.weight", "language_model.encoder.layer.3.output.dense.weight",
            "image_model.layers.0.res_gate.2.weight", "language_model.res_gates.3.2.weight",
        })
        {
            var grad = parameters[name].grad;
            Assert.IsNotNull(grad, name);
            Assert.IsTrue(grad.isfinite().all().item<bool>(), name);
            Assert.IsGreaterThan(0f, grad.abs().max().item<float>(), name);
        }
    }

    [TestMethod]
    public void ForwardLeavesOnlyItsOutputsAlive()
    {
        var config = MagNetConfig.Load(Fixtures.ParityA("config.json"));
        using var backbone = new MagNetBackbone(config);
        backbone.eval();
        using var noGrad = torch.no_grad();
        var (image, ids, mask) = Inputs(batch: 1, config.ImageSize, 6);
        using (var image0 = image) using (var ids0 = ids) using (var mask0 = mask)
        {
            backbone.call(image, ids, mask).Dispose();   // warm-up
            long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            for (int i = 0; i < 3; i++) backbone.call(image, ids, mask).Dispose();
            Assert.AreEqual(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount, "tensors leaked by the forward");
        }
    }

    [TestMethod]
    public void RejectsMalformedInputs()
    {
        var config = MagNetConfig.Load(Fixtures.ParityA("config.json"));
        using var backbone = new MagNetBackbone(config);
        using var scope = NewDisposeScope();
        var (image, ids, mask) = Inputs(batch: 2, config.ImageSize, 6);
        Assert.ThrowsExactly<ArgumentException>(() => backbone.call(image, ids.to_type(ScalarType.Int32), mask));
        Assert.ThrowsExactly<ArgumentException>(() => backbone.call(image, ids, mask[TensorIndex.Colon, TensorIndex.Slice(0, 3)]));
        Assert.ThrowsExactly<ArgumentException>(() => backbone.call(image[0], ids, mask));
        Assert.ThrowsExactly<ArgumentException>(() => backbone.call(image[TensorIndex.Slice(0, 1)], ids, mask));
    }

    [TestMethod]
    public void GatesStartClosedButTrainable()
    {
        // A fresh model starts as the plain encoders (every gate outputs tanh(0) = 0) while the gates' first layer is
        // random, so the zeroed last layer receives a gradient (GradientsReachBothEncoders checks it does).
        var config = MagNetConfig.Load(Fixtures.ParityA("config.json"));
        using var backbone = new MagNetBackbone(config);
        var gates = backbone.state_dict().Where(e => e.Key.Contains("res_gate", StringComparison.Ordinal)).ToList();
        Assert.HasCount(4 * 2 * 2, gates);   // image res_gate + language res_gates, two Linear layers each, 4 stages
        foreach (var (name, value) in gates)
        {
            float largest = value.abs().max().item<float>();
            if (name.EndsWith(".2.weight", StringComparison.Ordinal)) Assert.AreEqual(0f, largest, name);
            else Assert.IsGreaterThan(0f, largest, name);
        }
        backbone.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var (image, ids, mask) = Inputs(batch: 1, config.ImageSize, 6);
        using var recorder = TensorRecorder.Begin();
        backbone.call(image, ids, mask).Dispose();
        foreach (var (name, gate) in recorder.Tensors.Where(e => e.Key.EndsWith(".gate", StringComparison.Ordinal)))
            Assert.AreEqual(0f, gate.abs().max().item<float>(), name);
    }

    private static (Tensor Image, Tensor Ids, Tensor Mask) Inputs(int batch, int imageSize, int tokens)
    {
        torch.manual_seed(5);
        var image = torch.randn(batch, 3, imageSize, imageSize);
        var ids = torch.randint(1000, 2000, [batch, tokens], dtype: ScalarType.Int64);
        var mask = torch.ones(batch, tokens, dtype: ScalarType.Int64);
        mask[0, TensorIndex.Slice(tokens / 2, null)] = torch.tensor(0L);   // the first sentence is padded
        return (image, ids, mask);
    }
}
