using MagNet.ML.Modeling;
using MagNet.ML.Tests.Modeling;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;
using static MagNet.ML.Tests.Export.ExportTestSupport;

namespace MagNet.ML.Tests.Export;

/// <summary>
/// The exported graph run in ONNX Runtime against the TorchSharp forward of the same model (and, for the official
/// fixture, against the official PyTorch numbers): mask logits, class logits and the probability map.
/// </summary>
[TestClass]
public sealed class OnnxExportParityTests
{
    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    [DataRow(17)]
    [DataRow(16)]
    public void OfficialFixtureGraphMatchesTorchSharpAndTheOfficialProbability(int opset)
    {
        using var scope = NewDisposeScope();
        var config = MagNetConfig.Load(Fixtures.ParityA("config.json"));
        using var model = new MagNetModel(config);
        ModuleWeights.Load(model, StateDictFile.Read(Fixtures.ParityA("weights.safetensors")), strict: true);
        model.eval();
        var inputs = Safetensors.LoadStateDict(Fixtures.ParityA("inputs.safetensors"));
        var expected = Safetensors.LoadStateDict(Fixtures.ParityA("outputs.safetensors"));

        string path = TemporaryPath(".onnx");
        try
        {
            var summary = MagNetOnnxExporter.Export(model, path, new MagNetOnnxExportOptions { Opset = opset });
            TestContext.WriteLine($"{summary.Nodes} nodes, {summary.Weights} weights, {summary.Parameters} parameters, {new FileInfo(path).Length} bytes");
            var onnx = RunOnnx(path, inputs, "mask_logits", "pred_logits", "prob");
            CompareWithTorchSharp(model, inputs, onnx);
            double official = MaxAbsDifference(onnx["prob"], expected["post.prob"]);
            TestContext.WriteLine($"prob vs official post.prob: {official:E2}");
            Assert.IsLessThanOrEqualTo(1e-4, official, "probability vs the official post.prob");
            Assert.IsLessThanOrEqualTo(1e-4 * Math.Max(1, MaxAbs(expected["dec.pred_masks"])), MaxAbsDifference(onnx["mask_logits"], expected["dec.pred_masks"]));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    [DataRow(false, false, true, 17, 1)]
    [DataRow(false, false, true, 17, 3)]
    [DataRow(true, true, false, 16, 1)]
    [DataRow(true, true, false, 16, 3)]
    public void SmallRandomModelMatchesTorchSharp(bool quirk, bool preNorm, bool absolutePositions, int opset, int batch)
    {
        using var scope = NewDisposeScope();
        var config = SmallConfig(quirk, preNorm, absolutePositions);
        using var model = new MagNetModel(config);
        Randomize(model, seed: 20 + batch);
        model.eval();
        var generator = new Generator(7 + (ulong)batch);
        var image = randn([batch, 3, config.ImageSize, config.ImageSize], generator: generator);
        var (ids, mask) = RandomTokens(batch, config.MaxTokens, config.LanguageModel.Config.VocabSize, seed: batch);
        var inputs = new Dictionary<string, Tensor> { ["image"] = image, ["input_ids"] = ids, ["attention_mask"] = mask };

        string path = TemporaryPath(".onnx");
        try
        {
            MagNetOnnxExporter.Export(model, path, new MagNetOnnxExportOptions { Opset = opset });
            var onnx = RunOnnx(path, inputs, "mask_logits", "pred_logits", "prob");
            CompareWithTorchSharp(model, inputs, onnx);
            using var prob = onnx["prob"];
            double undecided = (prob > 0.05).logical_and(prob < 0.95).to_type(ScalarType.Float32).mean().item<float>();
            TestContext.WriteLine($"fraction of probabilities in (0.05, 0.95): {undecided:F3}");
            Assert.IsGreaterThan(0.05, undecided, "the probability map should not be saturated, or the comparison says little");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void MagNetTinyGraphMatchesTorchSharp()
    {
        using var scope = NewDisposeScope();
        var config = MagNetConfig.MagNetTiny();
        using var model = new MagNetModel(config);
        Randomize(model, seed: 5);
        model.eval();
        ExportAndCompare(model, batch: 1, imageSeed: 11, tokenSeed: 3);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void ResNetImageSideGraphMatchesTorchSharp(int batch)
    {
        // The ImageNet ResNet-18 imported, every other weight random with the gates open; 64² input (stage maps 16..2).
        using var scope = NewDisposeScope();
        var config = MagNetConfig.MagNetTinyResNet18();
        config.ImageSize = 64;
        config.Classifier.InputShape = config.BackboneFeatureShapes();
        using var model = new MagNetModel(config);
        Randomize(model, seed: 9);
        DnnImageFeaturizerResNet18.Load(((MultiModalResNet)model.ImageModel).Encoder, Modeling.PackagedResNet18.Path);
        model.eval();
        ExportAndCompare(model, batch, imageSeed: 13, tokenSeed: 4);
    }

    // Exports the model, runs the graph in ONNX Runtime on random inputs and compares it with the TorchSharp forward.
    private void ExportAndCompare(MagNetModel model, int batch, ulong imageSeed, long tokenSeed)
    {
        var config = model.Config;
        var image = randn([batch, 3, config.ImageSize, config.ImageSize], generator: new Generator(imageSeed));
        var (ids, mask) = RandomTokens(batch, config.MaxTokens, config.LanguageModel.Config.VocabSize, seed: tokenSeed);
        var inputs = new Dictionary<string, Tensor> { ["image"] = image, ["input_ids"] = ids, ["attention_mask"] = mask };
        string path = TemporaryPath(".onnx");
        try
        {
            var summary = MagNetOnnxExporter.Export(model, path);
            TestContext.WriteLine($"{config.Name}: {summary.Nodes} nodes, {summary.Parameters} parameters");
            CompareWithTorchSharp(model, inputs, RunOnnx(path, inputs, "mask_logits", "pred_logits", "prob"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private void CompareWithTorchSharp(MagNetModel model, IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyDictionary<string, Tensor> onnx)
    {
        Tensor prob;
        MagNetOutput output;
        using (torch.no_grad())
        {
            output = model.forward(inputs["image"], inputs["input_ids"], inputs["attention_mask"]);
            prob = model.PredictProbability(inputs["image"], inputs["input_ids"], inputs["attention_mask"]);
        }
        using (output)
        {
            double masks = MaxAbsDifference(onnx["mask_logits"], output.Head.PredMasks);
            double logits = MaxAbsDifference(onnx["pred_logits"], output.Head.PredLogits);
            double probability = MaxAbsDifference(onnx["prob"], prob);
            TestContext.WriteLine($"vs TorchSharp: mask_logits {masks:E2} (max|x| {MaxAbs(output.Head.PredMasks):G3}), pred_logits {logits:E2}, prob {probability:E2}");
            Assert.IsLessThanOrEqualTo(1e-4, probability, "probability map");
            Assert.IsLessThanOrEqualTo(1e-4 * Math.Max(1, MaxAbs(output.Head.PredMasks)), masks, "mask logits");
            Assert.IsLessThanOrEqualTo(1e-4 * Math.Max(1, MaxAbs(output.Head.PredLogits)), logits, "class logits");
        }
    }
}
