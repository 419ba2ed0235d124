using Google.Protobuf;
using MagNet.ML.Modeling;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Modeling;

/// <summary>
/// The ResNet encoder with ML.NET's packaged ImageNet ResNet-18 imported, checked stage by stage against ONNX Runtime
/// running that same file (its four stage outputs added as graph outputs); the frozen norm by hand.
/// </summary>
[TestClass]
public sealed class ResNetImageEncoderTests
{
    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    public void FrozenNormAppliesTheStoredStatisticsInTrainingAndEvaluation()
    {
        using var norm = new FrozenBatchNorm2d(2);
        norm.Load(torch.tensor(new[] { 2f, -1f }), torch.tensor(new[] { 0.5f, 3f }), torch.tensor(new[] { 1f, -2f }),
            torch.tensor(new[] { 4f - 1e-5f, 0.25f - 1e-5f }));
        using var x = torch.tensor(new[] { 3f, 5f, 0f, -2f }, [1, 2, 1, 2]);
        // channel 0: (x − 1) / 2 · 2 + 0.5 → 2.5, 4.5; channel 1: (x + 2) / 0.5 · (−1) + 3 → −1, 3.
        float[] expected = [2.5f, 4.5f, -1f, 3f];
        norm.train();
        using (var y = norm.forward(x)) CollectionAssert.AreEqual(expected, y.data<float>().ToArray(), new Tolerance(1e-5f));
        norm.eval();
        using (var y = norm.forward(x)) CollectionAssert.AreEqual(expected, y.data<float>().ToArray(), new Tolerance(1e-5f));
    }

    [TestMethod]
    public void ImportedResNet18EqualsOnnxRuntimeStageByStage()
    {
        string path = PackagedResNet18.Path;
        using var encoder = new ResNetImageEncoder();
        DnnImageFeaturizerResNet18.Load(encoder, path);
        encoder.eval();

        // The file with each stage's last ReLU (the one after the stage's last residual Add) as an extra output.
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var adds = model.Graph.Node.Where(n => n.OpType == "Add").ToList();
        var stageEnds = new List<string>();
        int block = -1;
        foreach (int depth in encoder.Depths)
        {
            block += depth;
            stageEnds.Add(model.Graph.Node.Single(n => n.OpType == "Relu" && n.Input[0] == adds[block].Output[0]).Output[0]);
        }
        foreach (var name in stageEnds) model.Graph.Output.Add(new ValueInfoProto { Name = name });

        var random = new Random(5);
        var pixels = new float[3 * 224 * 224];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (float)(random.NextDouble() * 255 - 120);
        using var session = new InferenceSession(model.ToByteArray());
        string input = session.InputMetadata.Keys.Single();
        using var value = OrtValue.CreateTensorValueFromMemory(pixels, [1, 3, 224, 224]);
        using var outputs = session.Run(new RunOptions(), [input], [value], stageEnds);

        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var features = encoder.forward(torch.tensor(pixels, [1, 3, 224, 224]));
        long[][] shapes = [[1, 64, 56, 56], [1, 128, 28, 28], [1, 256, 14, 14], [1, 512, 7, 7]];
        for (int s = 0; s < 4; s++)
        {
            CollectionAssert.AreEqual(shapes[s], features[s].shape, $"stage {s} shape");
            float[] expected = outputs[s].GetTensorDataAsSpan<float>().ToArray();
            float[] actual = features[s].data<float>().ToArray();
            double largest = expected.Max(Math.Abs), worst = expected.Select((e, i) => Math.Abs(e - actual[i])).Max();
            Assert.IsGreaterThan(1.0, largest, $"stage {s} carries signal");
            Assert.IsLessThanOrEqualTo(1e-4 * largest, worst, $"stage {s}: largest |difference| {worst} against largest |value| {largest}");
        }
    }

    [TestMethod]
    public void FilesThatDoNotFitTheEncoderAreRefusedWithTheReason()
    {
        using var shallower = new ResNetImageEncoder([2, 2, 2, 2]);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => DnnImageFeaturizerResNet18.Load(shallower, PackagedResNet18.Path));
        StringAssert.Contains(e.Message, "22 convolutions");
        StringAssert.Contains(e.Message, "has 20");

        string notOnnx = Path.GetTempFileName();
        try
        {
            File.WriteAllText(notOnnx, "not a model");
            using var encoder = new ResNetImageEncoder();
            Assert.ThrowsExactly<InvalidDataException>(() => DnnImageFeaturizerResNet18.Load(encoder, notOnnx));
        }
        finally
        {
            File.Delete(notOnnx);
        }
        using var other = new ResNetImageEncoder();
        Assert.ThrowsExactly<FileNotFoundException>(() => DnnImageFeaturizerResNet18.Load(other, "/nonexistent/ResNet18.onnx"));
    }
}
