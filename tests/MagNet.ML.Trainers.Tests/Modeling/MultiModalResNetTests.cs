using MagNet.ML.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Modeling;

/// <summary>
/// MagNet with a ResNet image side (<see cref="ImageEncoderKind.ResNet"/>): the configuration, the pixel convention, and
/// that with its gates closed (as built) the image side is the imported ImageNet ResNet-18 stage by stage — which
/// <see cref="ResNetImageEncoderTests"/> checks against ONNX Runtime on the package's own file.
/// </summary>
[TestClass]
public sealed class MultiModalResNetTests
{
    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    public void TheResNetPresetRoundTripsThroughJsonAndBuildsTheResNetImageSide()
    {
        var config = MagNetConfig.MagNetTinyResNet18();
        StringAssert.Contains(config.ToJson(), "\"type\": \"resnet\"");
        var read = MagNetConfig.FromJson(config.ToJson());
        Assert.AreEqual(ImageEncoderKind.ResNet, read.ImageModel.Type);
        Assert.AreEqual(config.ToJson(), read.ToJson());
        Assert.AreEqual(ImageEncoderKind.Swin, MagNetConfig.FromJson(MagNetConfig.MagNetTiny().ToJson()).ImageModel.Type);
        using var model = new MagNetModel(read);
        Assert.IsInstanceOfType<MultiModalResNet>(model.ImageModel);
        var names = model.state_dict().Keys.ToList();
        Assert.Contains("image_model.encoder.blocks.6.downsample_conv.weight", names);
        Assert.Contains("image_model.encoder.stem_bn.running_var", names);
        Assert.Contains("image_model.layers.3.mixer.0.weight", names);
        Assert.IsFalse(names.Any(n => n.Contains(".blocks.", StringComparison.Ordinal) && n.StartsWith("image_model.layers.", StringComparison.Ordinal)), "no Swin blocks");
    }

    [TestMethod]
    public void SwinOnlyValuesAreRefusedByFieldForAResNet()
    {
        void Refused(Action<MagNetConfig> change, string field)
        {
            var config = MagNetConfig.MagNetTinyResNet18();
            change(config);
            var e = Assert.ThrowsExactly<ArgumentException>(config.Validate);
            StringAssert.Contains(e.Message, field);
        }
        Refused(c => { c.ImageModel.Kwargs.EmbedDim = 32; c.LanguageModel.EmbedDim = 32; c.Classifier.InputShape = c.BackboneFeatureShapes(); }, "image_model.kwargs.embed_dim");
        Refused(c => c.ImageModel.Kwargs.Ape = true, "image_model.kwargs.ape");
        Refused(c => c.ImageModel.Kwargs.FrozenStages = 2, "image_model.kwargs.frozen_stages");
        Refused(c => { c.UseCam = false; c.ImageModel.Kwargs.OutIndices = [0, 1, 2, 3]; }, "use_cam");
        var unknown = Assert.ThrowsExactly<InvalidDataException>(() =>
            MagNetConfig.FromJson(MagNetConfig.MagNetTinyResNet18().ToJson().Replace("\"resnet\"", "\"vgg\"", StringComparison.Ordinal)));
        StringAssert.Contains(unknown.Message, "image_model.type");
    }

    [TestMethod]
    public void NormalisedRgbBecomesBgrInZeroTo255MinusTheChannelMeans()
    {
        // One pixel with RGB (0.2, 0.5, 1.0) in 0–1, ImageNet-normalised as the pipeline does.
        float[] rgb = [0.2f, 0.5f, 1f], mean = [0.485f, 0.456f, 0.406f], std = [0.229f, 0.224f, 0.225f];
        using var image = tensor(rgb.Select((v, c) => (v - mean[c]) / std[c]).ToArray(), [1, 3, 1, 1]);
        using var pixels = MultiModalResNet.ToNetworkPixels(image);
        float[] expected = [255f * 1f - 103.94f, 255f * 0.5f - 116.78f, 255f * 0.2f - 123.68f];
        CollectionAssert.AreEqual(expected, pixels.data<float>().ToArray(), new Tolerance(1e-3f));
    }

    [TestMethod]
    public void WithClosedGatesTheImageSideIsTheImportedResNetStageByStage()
    {
        using var scope = NewDisposeScope();
        var config = MagNetConfig.MagNetTinyResNet18();
        using var model = new MagNetModel(config);
        var image = (MultiModalResNet)model.ImageModel;
        DnnImageFeaturizerResNet18.Load(image.Encoder, PackagedResNet18.Path);
        using var reference = new ResNetImageEncoder();
        DnnImageFeaturizerResNet18.Load(reference, PackagedResNet18.Path);
        model.eval();
        reference.eval();

        var generator = new Generator(3);
        var input = randn([2, 3, config.ImageSize, config.ImageSize], generator: generator);
        var words = randn([2, config.LanguageModel.Config.HiddenSize, config.MaxTokens], generator: generator);
        var wordMask = ones(2, config.MaxTokens, 1);
        using var noGrad = no_grad();
        var expected = reference.forward(MultiModalResNet.ToNetworkPixels(input));
        var x = image.ForwardStem(input, out long height, out long width);
        for (int stage = 0; stage < 4; stage++)
        {
            x = image.ForwardStage(stage, x, height, width);
            var map = x.transpose(1, 2).reshape(2, -1, height, width);
            CollectionAssert.AreEqual(expected[stage].shape, map.shape, $"stage {stage + 1} shape");
            double scale = expected[stage].abs().max().item<float>();
            double difference = (map - expected[stage]).abs().max().item<float>();
            Assert.IsLessThanOrEqualTo(1e-5 * scale, difference, $"stage {stage + 1}: max |Δ| {difference:G3} of max {scale:G3}");
            var fused = image.ForwardFusion(stage, x, height, width, words, wordMask);
            CollectionAssert.AreEqual(new long[] { 2, ResNetImageEncoder.StageChannels[stage], height, width }, fused.Feature.shape, $"decoder feature {stage + 1}");
            if (stage == 3) Assert.IsNull(fused.Next);
            else (x, height, width) = (fused.Next!, fused.NextHeight, fused.NextWidth);
        }
    }

    [TestMethod]
    public void TheOperationCountOfTheResNetPartIsTheResNet18OfThePaper()
    {
        static double ResNetMultiplyAdds(int[] depths)
        {
            var config = MagNetConfig.MagNetTinyResNet18();
            config.ImageSize = 224;
            config.ImageModel.Kwargs.Depths = depths;
            config.Classifier.InputShape = config.BackboneFeatureShapes();
            var parts = MagNetFlops.Count(config).ByPart;
            Assert.IsFalse(parts.Keys.Any(k => k.EndsWith(".swin", StringComparison.Ordinal)));
            return parts.Where(p => p.Key == "image.stem" || p.Key.EndsWith(".resnet", StringComparison.Ordinal)).Sum(p => (double)p.Value) / 2;
        }
        // He et al. (2016), Table 1: ResNet-18 (2, 2, 2, 2) is 1.8 × 10⁹ multiply-adds at 224².
        double standard = ResNetMultiplyAdds([2, 2, 2, 2]);
        Assert.IsTrue(standard is > 1.75e9 and < 1.85e9, $"{standard:G4} multiply-adds");
        // The packaged network has a third block in its last stage: two 3×3 convolutions 512→512 on the 7×7 map.
        Assert.AreEqual(2.0 * 7 * 7 * 512 * 512 * 9, ResNetMultiplyAdds([2, 2, 2, 3]) - standard);
    }
}
