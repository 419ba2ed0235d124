using Google.Protobuf;
using MagNet.ML.Modeling;
using MagNet.ML.Tests.Modeling;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;
using static MagNet.ML.Tests.Export.ExportTestSupport;

namespace MagNet.ML.Tests.Export;

/// <summary>
/// The weights in the graph are the model's: every initializer that is not an export-time constant carries a
/// state-dict name and exactly that tensor's values, and the state-dict entries left out are exactly the parts the
/// inference forward never reads.
/// </summary>
[TestClass]
public sealed class OnnxInitializerTests
{
    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    public void WeightInitializersAreTheStateDictTensorsBitForBit()
    {
        using var scope = NewDisposeScope();
        var config = MagNetConfig.Load(Fixtures.ParityA("config.json"));
        using var model = new MagNetModel(config);
        ModuleWeights.Load(model, StateDictFile.Read(Fixtures.ParityA("weights.safetensors")), strict: true);
        var stateDict = model.state_dict();
        var graph = Export(model);

        var weights = graph.Initializer.Where(i => !i.Name.StartsWith("const/", StringComparison.Ordinal)).ToList();
        foreach (var initializer in weights)
        {
            Assert.IsTrue(stateDict.TryGetValue(initializer.Name, out var expected), $"initializer '{initializer.Name}' is not a state-dict entry");
            CollectionAssert.AreEqual(expected.shape, initializer.Dims.ToArray(), initializer.Name);
            var bytes = expected.contiguous().bytes.ToArray();
            Assert.IsTrue(ByteString.CopyFrom(bytes).Equals(initializer.RawData), $"initializer '{initializer.Name}' differs from the model's tensor");
        }

        var exported = weights.Select(i => i.Name).ToHashSet();
        var omitted = stateDict.Keys.Where(k => !exported.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        string[] inferenceUnused = ["lang_proj.", "image_model.norm0.", "image_model.norm1.", "image_model.norm2.", "image_model.norm3.",
            "language_model.norms.", "language_model.pwams.3.", "language_model.res_gates.3.", "image_model.layers.3.res_gate."];
        var unexpected = omitted.Where(k => !inferenceUnused.Any(p => k.StartsWith(p, StringComparison.Ordinal))).ToList();
        Assert.IsEmpty(unexpected, "left out but read by the inference forward: " + string.Join(", ", unexpected));
        foreach (var prefix in inferenceUnused)
            Assert.IsTrue(omitted.Any(k => k.StartsWith(prefix, StringComparison.Ordinal)), $"nothing under '{prefix}' was left out");
        Assert.IsFalse(exported.Any(k => k.StartsWith("lang_proj.", StringComparison.Ordinal)), "lang_proj is training-only");
    }

    [TestMethod]
    public void GraphDoesNotDependOnTrainingMode()
    {
        var config = SmallConfig(false, false, false);
        using var model = new MagNetModel(config);
        model.train();
        var trainMode = Export(model);
        model.eval();
        var evalMode = Export(model);
        Assert.AreEqual(trainMode.Node.Count, evalMode.Node.Count);
        Assert.IsFalse(trainMode.Node.Any(n => n.OpType is "Dropout" or "RandomUniform" or "RandomUniformLike" or "Bernoulli"));
        Assert.IsTrue(trainMode.Equals(evalMode), "the graph written from a model in training mode differs from eval mode");
    }

    private static GraphProto Export(MagNetModel model)
    {
        string path = TemporaryPath(".onnx");
        try
        {
            MagNetOnnxExporter.Export(model, path);
            return ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
