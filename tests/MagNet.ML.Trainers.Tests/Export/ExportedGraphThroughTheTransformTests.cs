using MagNet.ML.Modeling;
using MagNet.ML.Tests.Modeling;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;
using static MagNet.ML.Tests.Export.ExportTestSupport;

namespace MagNet.ML.Tests.Export;

/// <summary>
/// Export → ONNX inference transform, end to end: the graph this package writes for the official fixture, run by
/// <c>ApplyReferringSegmentationOnnx</c> with a symbolic batch filled 1 or 3 rows at a time, reproduces the official
/// probability map and the class-logit score.
/// </summary>
[TestClass]
public sealed class ExportedGraphThroughTheTransformTests
{
    private sealed class PixelRow
    {
        [VectorType(3, 96, 96)]
        public float[] Image { get; set; } = [];

        public string Expression { get; set; } = "";
    }

    private sealed class OutputRow
    {
        public byte[] PredictedMask { get; set; } = [];

        public float[] Probability { get; set; } = [];

        public float Score { get; set; }
    }

    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    [DataRow(1, new[] { 1 })]
    [DataRow(3, new[] { 0, 1, 0 })]
    [DataRow(3, new[] { 1, 0, 1, 1 })]
    public void ExportedFixtureModelReproducesTheOfficialProbability(int batchSize, int[] examples)
    {
        using var scope = NewDisposeScope();
        var config = MagNetConfig.Load(Fixtures.ParityA("config.json"));
        using var model = new MagNetModel(config);
        ModuleWeights.Load(model, StateDictFile.Read(Fixtures.ParityA("weights.safetensors")), strict: true);
        var inputs = Safetensors.LoadStateDict(Fixtures.ParityA("inputs.safetensors"));
        var expected = Safetensors.LoadStateDict(Fixtures.ParityA("outputs.safetensors"));
        string[] sentences = ["the red circle left of the blue square", "man on right"];

        string path = TemporaryPath(".onnx");
        try
        {
            MagNetOnnxExporter.Export(model, path);
            var ml = new MLContext(seed: 1);
            var rows = examples.Select(b => new PixelRow { Image = inputs["image"][b].flatten().data<float>().ToArray(), Expression = sentences[b] }).ToArray();
            var data = ml.Data.LoadFromEnumerable(rows);
            var estimator = ml.Transforms.ApplyReferringSegmentationOnnx(new ReferringSegmentationOnnxEstimator.Options { ModelPath = path, BatchSize = batchSize });
            Assert.AreEqual(batchSize, estimator.BatchSize, "a symbolic batch takes the chosen batch size");
            Assert.AreEqual(96, estimator.ImageSize);
            Assert.AreEqual(20, estimator.MaxTokens);
            using var transformer = estimator.Fit(data);
            var outputs = ml.Data.CreateEnumerable<OutputRow>(transformer.Transform(data), reuseRowObject: false).ToList();
            Assert.HasCount(examples.Length, outputs);
            for (int r = 0; r < outputs.Count; r++)
            {
                int b = examples[r];
                var reference = expected["post.prob"][b].flatten().data<float>().ToArray();
                double worst = reference.Select((p, i) => Math.Abs(p - outputs[r].Probability[i])).Max();
                Assert.IsLessThanOrEqualTo(1e-4, worst, $"row {r} (example {b}) probability vs post.prob");
                Assert.AreEqual(reference.Count(p => p > 0.5), outputs[r].PredictedMask.Count(v => v == 1), 2, $"row {r} mask area");
                var logits = expected["dec.pred_logits"][b].flatten().data<float>().ToArray();
                Assert.AreEqual(1 / (1 + Math.Exp(logits[1] - logits[0])), outputs[r].Score, 1e-5, $"row {r} score");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
