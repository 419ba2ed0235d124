using MagNet.ML.Modeling;
using MagNet.ML.Tests.Modeling;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;
using static MagNet.ML.Tests.Export.ExportTestSupport;

namespace MagNet.ML.Tests.Export;

/// <summary>
/// The written file against the ONNX graph rules, checked here independently of the builder: a name is defined once
/// (graph inputs, initializers, node outputs), nodes are in topological order, initializers are typed with as many
/// bytes as their dims need, outputs are produced; then ONNX Runtime loads it and reports the contract's signature.
/// </summary>
[TestClass]
public sealed class OnnxGraphValidityTests
{
    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    [DataRow(16)]
    [DataRow(17)]
    public void WrittenGraphFollowsTheOnnxRules(int opset)
    {
        var model = ExportAndParse(SmallConfig(quirk: false, preNorm: false, absolutePositions: true), opset);
        var graph = model.Graph;
        Assert.AreEqual(opset, model.OpsetImport.Single(o => o.Domain == "").Version);
        Assert.AreEqual(8L, model.IrVersion);

        var defined = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in graph.Input.Select(i => i.Name).Concat(graph.Initializer.Select(i => i.Name)))
            Assert.IsTrue(defined.Add(name), $"'{name}' is defined twice");
        var nodeNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            Assert.IsTrue(node.Name.Length == 0 || nodeNames.Add(node.Name), $"node name '{node.Name}' repeats");
            foreach (var input in node.Input)
                Assert.IsTrue(input.Length == 0 || defined.Contains(input), $"{node.OpType} '{node.Name}' reads '{input}' before it is defined");
            foreach (var output in node.Output)
                Assert.IsTrue(defined.Add(output), $"'{output}' is defined twice");
        }
        foreach (var output in graph.Output) Assert.Contains(output.Name, defined, $"output '{output.Name}' is never produced");

        foreach (var initializer in graph.Initializer)
        {
            long count = initializer.Dims.Aggregate(1L, (a, d) => a * d);
            int size = initializer.DataType switch
            {
                (int)TensorProto.Types.DataType.Float => 4,
                (int)TensorProto.Types.DataType.Int64 => 8,
                _ => throw new AssertFailedException($"initializer '{initializer.Name}' has element type {initializer.DataType}"),
            };
            Assert.AreEqual(count * size, initializer.RawData.Length, $"initializer '{initializer.Name}' byte count");
        }

        var ops = graph.Node.Select(n => n.OpType).ToHashSet();
        Assert.Contains("GridSample", ops, "deformable attention samples with GridSample");
        Assert.AreEqual(opset == 17, ops.Contains("LayerNormalization"), "LayerNormalization only at opset 17");
    }

    [TestMethod]
    public void OnnxRuntimeLoadsItWithTheContractSignature()
    {
        var config = SmallConfig(quirk: true, preNorm: false, absolutePositions: false);
        using var model = new MagNetModel(config);
        string path = TemporaryPath(".onnx");
        try
        {
            MagNetOnnxExporter.Export(model, path);
            using var session = new InferenceSession(path);
            CollectionAssert.AreEqual(new[] { "image", "input_ids", "attention_mask" }, session.InputMetadata.Keys.ToArray());
            CollectionAssert.AreEqual(new[] { -1, 3, 64, 64 }, session.InputMetadata["image"].Dimensions);
            CollectionAssert.AreEqual(new[] { "N", "", "", "" }, session.InputMetadata["image"].SymbolicDimensions);
            Assert.AreEqual(typeof(float), session.InputMetadata["image"].ElementType);
            CollectionAssert.AreEqual(new[] { -1, 7 }, session.InputMetadata["input_ids"].Dimensions);
            Assert.AreEqual(typeof(long), session.InputMetadata["input_ids"].ElementType);
            Assert.AreEqual(typeof(long), session.InputMetadata["attention_mask"].ElementType);
            CollectionAssert.AreEqual(new[] { "mask_logits", "pred_logits", "prob" }, session.OutputMetadata.Keys.ToArray());
            CollectionAssert.AreEqual(new[] { -1, 1, 16, 16 }, session.OutputMetadata["mask_logits"].Dimensions);
            CollectionAssert.AreEqual(new[] { -1, 1, 2 }, session.OutputMetadata["pred_logits"].Dimensions);
            CollectionAssert.AreEqual(new[] { -1, 1, 64, 64 }, session.OutputMetadata["prob"].Dimensions);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void NamesAndOptionalOutputsFollowTheOptions()
    {
        var options = new MagNetOnnxExportOptions
        {
            ImageInputName = "pixels", InputIdsInputName = "ids", AttentionMaskInputName = "mask",
            MaskLogitsOutputName = "logits", ClassLogitsOutputName = null, ProbabilityOutputName = "probability",
            BatchDimensionName = "batch",
        };
        var model = ExportAndParse(SmallConfig(false, false, false), 17, options);
        CollectionAssert.AreEqual(new[] { "pixels", "ids", "mask" }, model.Graph.Input.Select(i => i.Name).ToArray());
        CollectionAssert.AreEqual(new[] { "logits", "probability" }, model.Graph.Output.Select(o => o.Name).ToArray());
        foreach (var value in model.Graph.Input.Concat(model.Graph.Output))
            Assert.AreEqual("batch", value.Type.TensorType.Shape.Dim[0].DimParam, value.Name);
    }

    [TestMethod]
    public void InvalidOptionsAreRejectedBeforeAnythingIsWritten()
    {
        var config = SmallConfig(false, false, false);
        using var model = new MagNetModel(config);
        string path = TemporaryPath(".onnx");
        Assert.ThrowsExactly<ArgumentException>(() => MagNetOnnxExporter.Export(model, path, new MagNetOnnxExportOptions { Opset = 18 }));
        var duplicate = Assert.ThrowsExactly<ArgumentException>(() =>
            MagNetOnnxExporter.Export(model, path, new MagNetOnnxExportOptions { ProbabilityOutputName = "image" }));
        StringAssert.Contains(duplicate.Message, "ImageInputName");
        Assert.ThrowsExactly<ArgumentException>(() => MagNetOnnxExporter.Export(model, path, new MagNetOnnxExportOptions { MaskLogitsOutputName = " " }));
        Assert.IsFalse(File.Exists(path));
    }

    [TestMethod]
    public void OfficialFixtureGraphIsValidToo()
    {
        var config = MagNetConfig.Load(Fixtures.ParityA("config.json"));
        using var model = new MagNetModel(config);
        string path = TemporaryPath(".onnx");
        try
        {
            var summary = MagNetOnnxExporter.Export(model, path);
            using var session = new InferenceSession(path);
            CollectionAssert.AreEqual(new[] { -1, 1, 24, 24 }, session.OutputMetadata["mask_logits"].Dimensions);
            Assert.AreEqual(96, summary.ImageSize);
            Assert.AreEqual(20, summary.MaxTokens);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static ModelProto ExportAndParse(MagNetConfig config, int opset, MagNetOnnxExportOptions? options = null)
    {
        using var model = new MagNetModel(config);
        options ??= new MagNetOnnxExportOptions();
        options.Opset = opset;
        string path = TemporaryPath(".onnx");
        try
        {
            MagNetOnnxExporter.Export(model, path, options);
            return ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
