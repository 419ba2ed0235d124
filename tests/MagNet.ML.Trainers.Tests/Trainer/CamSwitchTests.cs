using MagNet.ML.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Trainer;

/// <summary>The <c>use_cam</c> switch: LAVT's stage (no pyramids/fusions/mixer, Y_i = norm{i}(F)) against MagNet's.</summary>
[TestClass]
public sealed class CamSwitchTests
{
    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    public void WithoutCamTheStateDictLacksExactlyTheCamModules()
    {
        using var withCam = new MagNetModel(TinyConfigs.Model(useCam: true));
        using var withoutCam = new MagNetModel(TinyConfigs.Model(useCam: false));
        var camKeys = withCam.state_dict().Keys.ToHashSet();
        var plainKeys = withoutCam.state_dict().Keys.ToHashSet();

        static bool IsCamModule(string key) =>
            key.StartsWith("image_model.layers.", StringComparison.Ordinal)
            && (key.Contains(".pyramids.", StringComparison.Ordinal) || key.Contains(".fusions.", StringComparison.Ordinal) || key.Contains(".mixer.", StringComparison.Ordinal));

        Assert.IsTrue(camKeys.Any(IsCamModule), "MagNet's stages have CAM modules");
        Assert.IsFalse(plainKeys.Any(IsCamModule), "LAVT's stages have none");
        CollectionAssert.AreEquivalent(camKeys.Where(k => !IsCamModule(k)).ToList(), plainKeys.ToList());
        for (int i = 0; i < 4; i++) Assert.Contains($"image_model.norm{i}.weight", plainKeys);
    }

    [TestMethod]
    public void WithoutCamTheDecoderFeatureIsTheStageNormOfThePwamOutput()
    {
        var config = TinyConfigs.Model(useCam: false);
        using var model = new MagNetModel(config);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // Non-trivial norm parameters, so that a missing or wrong affine step shows.
        var generator = new Generator(7);
        foreach (var (name, parameter) in model.named_parameters().Where(p => p.name.StartsWith("image_model.norm", StringComparison.Ordinal)))
            parameter.copy_(randn(parameter.shape, generator: generator));
        var image = randn(new long[] { 2, 3, 64, 64 }, generator: generator);
        var ids = tensor(new long[] { 101, 2417, 4418, 102, 0, 0, 0, 0, 101, 2630, 2675, 2187, 102, 0, 0, 0 }, new long[] { 2, 8 });
        var mask = ids.ne(0).to_type(ScalarType.Int64);

        using var recorder = TensorRecorder.Begin();
        using var output = model.forward(image, ids, mask);
        var parameters = model.state_dict();
        for (int stage = 0; stage < 4; stage++)
        {
            var f = recorder.Tensors[$"img.stage{stage + 1}.pwam"];            // [B, HW, C]
            var w = parameters[$"image_model.norm{stage}.weight"];
            var b = parameters[$"image_model.norm{stage}.bias"];
            // LayerNorm written out: (F - mean) / sqrt(biased variance + 1e-5) · w + b over the channel axis.
            var mean = f.mean(new long[] { -1 }, keepdim: true);
            var variance = (f - mean).pow(2).mean(new long[] { -1 }, keepdim: true);
            var expected = (f - mean) / (variance + 1e-5).sqrt() * w + b;
            var y = output.Backbone.Features[stage];                           // [B, C, H, W]
            var actual = y.flatten(2).transpose(1, 2);
            Assert.IsTrue(actual.allclose(expected, rtol: 1e-4, atol: 1e-5), $"Y{stage + 1} = norm{stage}(F)");
        }
    }

    [TestMethod]
    public void UseCamIsReadFromJsonAndDefaultsToTrue()
    {
        var config = TinyConfigs.Model(useCam: false);
        StringAssert.Contains(config.ToJson(), "\"use_cam\": false");
        Assert.IsFalse(MagNetConfig.FromJson(config.ToJson()).UseCam);
        string withoutField = config.ToJson().Replace("\"use_cam\": false,", "", StringComparison.Ordinal);
        Assert.DoesNotContain("use_cam", withoutField);
        Assert.IsTrue(MagNetConfig.FromJson(withoutField).UseCam);
    }

    [TestMethod]
    public void WithoutCamEveryStageNeedsAnOutputNorm()
    {
        var config = TinyConfigs.Model(useCam: false);
        config.ImageModel.Kwargs.OutIndices = [3];
        var e = Assert.ThrowsExactly<ArgumentException>(config.Validate);
        StringAssert.Contains(e.Message, "out_indices");
        config.UseCam = true;
        config.Validate();
    }
}
