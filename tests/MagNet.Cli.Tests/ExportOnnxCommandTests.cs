using MagNet.ML;
using Onnx;

namespace MagNet.Cli.Tests;

[TestClass]
public sealed class ExportOnnxCommandTests
{
    private static string Fixture(string file) => Path.Combine(AppContext.BaseDirectory, "fixtures", "official-parity-a", file);

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = CliRunner.Run(Program.BuildRootCommand(), args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [TestMethod]
    public void ExportsTheFixtureModelWithTheContractSignature()
    {
        string path = Path.Combine(Path.GetTempPath(), $"magnet-cli-{Guid.NewGuid():N}.onnx");
        try
        {
            var (exit, output, error) = Run("export-onnx", "--config", Fixture("config.json"), "--weights", Fixture("checkpoint.pth"),
                "--out", path, "--opset", "16", "--no-class-logits");
            Assert.AreEqual(0, exit, error);
            StringAssert.Contains(output, "818 tensors loaded");
            StringAssert.Contains(output, "opset 16");
            var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
            CollectionAssert.AreEqual(new[] { "image", "input_ids", "attention_mask" }, model.Graph.Input.Select(i => i.Name).ToArray());
            CollectionAssert.AreEqual(new[] { "mask_logits", "prob" }, model.Graph.Output.Select(o => o.Name).ToArray());
            Assert.AreEqual(16L, model.OpsetImport.Single().Version);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void ExportsASavedModelFileWithTheSameWeights()
    {
        string zip = Path.Combine(Path.GetTempPath(), $"magnet-cli-{Guid.NewGuid():N}.zip");
        string path = Path.ChangeExtension(zip, ".onnx");
        try
        {
            // A model file made from the official fixture's weights; its export must carry those weights unchanged.
            var ml = new Microsoft.ML.MLContext(1);
            var config = MagNetConfig.Load(Fixture("config.json"));
            var empty = ml.Data.LoadFromEnumerable(Array.Empty<Row>());
            using (var transformer = ml.Transforms.ApplyReferringSegmentation(Fixture("weights.safetensors"), config).Fit(empty))
                transformer.Save(zip);
            var (exit, output, error) = Run("export-onnx", "--model", zip, "--out", path);
            Assert.AreEqual(0, exit, error);
            StringAssert.Contains(output, zip);
            var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
            var weights = TorchSharp.PyBridge.Safetensors.LoadStateDict(Fixture("weights.safetensors"));
            var init = model.Graph.Initializer.Single(t => t.Name == "image_model.patch_embed.proj.weight");
            var expected = weights["image_model.patch_embed.proj.weight"].data<float>().ToArray();
            var actual = init.RawData.IsEmpty ? init.FloatData.ToArray()
                : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(init.RawData.Span).ToArray();
            CollectionAssert.AreEqual(expected, actual);

            (exit, _, error) = Run("export-onnx", "--model", zip, "--config", Fixture("config.json"), "--out", path);
            Assert.AreEqual(1, exit);
            StringAssert.Contains(error, "either --model");
        }
        finally
        {
            File.Delete(zip);
            File.Delete(path);
        }
    }

    private sealed class Row
    {
        [Microsoft.ML.Transforms.Image.ImageType(96, 96)]
        public Microsoft.ML.Data.MLImage Image { get; set; } = null!;

        public string Expression { get; set; } = "";
    }

    [TestMethod]
    public void MissingOrMismatchedWeightsAreReportedWithTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"magnet-cli-{Guid.NewGuid():N}.onnx");
        var (exit, _, error) = Run("export-onnx", "--config", Fixture("config.json"), "--weights", "no-such-weights.safetensors", "--out", path);
        Assert.AreEqual(1, exit);
        StringAssert.Contains(error, "magnet: error:");
        StringAssert.Contains(error, "no-such-weights.safetensors");

        string config = Path.Combine(Path.GetTempPath(), $"magnet-cli-{Guid.NewGuid():N}.json");
        try
        {
            var tiny = ML.MagNetConfig.MagNetTiny();
            tiny.Save(config);
            (exit, _, error) = Run("export-onnx", "--config", config, "--weights", Fixture("weights.safetensors"), "--out", path);
            Assert.AreEqual(1, exit);
            StringAssert.Contains(error, "weights.safetensors");
            StringAssert.Contains(error, "do not match");
            Assert.IsFalse(File.Exists(path));
        }
        finally
        {
            File.Delete(config);
        }
    }
}
