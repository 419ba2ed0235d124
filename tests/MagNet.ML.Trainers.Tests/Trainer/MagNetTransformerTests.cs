using MagNet.ML.Modeling;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Trainer;

/// <summary>
/// The transformer's outputs against the model run by hand (official post-processing, hand-written bilinear resize,
/// hand-written softmax), batching, PredictionEngine, lifetime, errors and memory.
/// </summary>
[TestClass]
public sealed class MagNetTransformerTests
{
    private sealed class Query
    {
        // The declared size only gives the column a type; images of any size are accepted.
        [ImageType(64, 64)]
        public MLImage Image { get; set; } = null!;

        public string Expression { get; set; } = "";
    }

    private sealed class Segmentation
    {
        public byte[] PredictedMask { get; set; } = [];

        public float[] Probability { get; set; } = [];

        public float Score { get; set; }
    }

    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    /// <summary>The model's own forward on one image: the S×S probability map, the two class logits and the S/4 mask logits.</summary>
    private static (float[,] Probability, float[] Logits, float[,] MaskLogits) RunByHand(MagNetTransformer transformer, MLImage image, string expression)
    {
        int s = transformer.Config.ImageSize;
        var pixels = new ImageTensorizer(s).Tensorize(image).Pixels;
        var (ids, mask) = new ExpressionTokenizer(transformer.Config.MaxTokens).Encode(expression);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var model = transformer.Model;
        model.eval();
        var input = tensor(pixels, new long[] { 1, 3, s, s });
        using var output = model.forward(input, tensor(ids, new long[] { 1, ids.Length }), tensor(mask, new long[] { 1, mask.Length }));
        var probability = model.PredictProbability(input, tensor(ids, new long[] { 1, ids.Length }), tensor(mask, new long[] { 1, mask.Length }));
        var map = new float[s, s];
        var flat = probability.reshape(-1).data<float>().ToArray();
        for (int y = 0; y < s; y++) for (int x = 0; x < s; x++) map[y, x] = flat[y * s + x];
        int q = (int)output.Head.PredMasks.shape[^1];
        var maskLogits = new float[q, q];
        var m = output.Head.PredMasks.reshape(-1).data<float>().ToArray();
        for (int y = 0; y < q; y++) for (int x = 0; x < q; x++) maskLogits[y, x] = m[y * q + x];
        return (map, output.Head.PredLogits.reshape(-1).data<float>().ToArray(), maskLogits);
    }

    [TestMethod]
    public void AtTheNetworkSizeTheOutputsAreTheOfficialPostProcessing()
    {
        var transformer = TrainedModel.Shared;
        using var image = TestImages.Random(64, 64, seed: 1);
        var (map, logits, _) = RunByHand(transformer, image, "the red circle");
        var prediction = transformer.Predict(image, "the red circle");

        Assert.AreEqual(64, prediction.Width);
        Assert.AreEqual(64, prediction.Height);
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64; x++)
            {
                Assert.AreEqual(map[y, x], prediction.Probability[y * 64 + x], 1e-6f, $"probability at ({x},{y})");
                Assert.AreEqual(map[y, x] > 0.5f, prediction.Mask[x, y], $"mask at ({x},{y})");
            }
        // softmax over (object, no object), object class: 1 / (1 + e^(l1 − l0)).
        double score = 1 / (1 + Math.Exp(logits[1] - logits[0]));
        Assert.AreEqual(score, prediction.Score, 1e-6);
    }

    [TestMethod]
    public void AtAnotherSizeTheProbabilityIsTheSigmoidOfTheLogitsResizedWithAlignedCorners()
    {
        var transformer = TrainedModel.Shared;
        using var image = TestImages.Random(40, 24, seed: 2);   // 40 wide, 24 high
        var (_, _, logits) = RunByHand(transformer, image, "the square on the left");
        int q = logits.GetLength(0);
        var prediction = transformer.Predict(image, "the square on the left");
        Assert.AreEqual(40, prediction.Width);
        Assert.AreEqual(24, prediction.Height);
        for (int y = 0; y < 24; y++)
            for (int x = 0; x < 40; x++)
            {
                // Aligned corners: target pixel d samples source coordinate d·(in − 1)/(out − 1); linear weights on the
                // S/4 logits, then the logistic function.
                double sy = y * (q - 1) / 23.0, sx = x * (q - 1) / 39.0;
                int y0 = (int)sy, x0 = (int)sx, y1 = Math.Min(y0 + 1, q - 1), x1 = Math.Min(x0 + 1, q - 1);
                double ly = sy - y0, lx = sx - x0;
                double l = (1 - ly) * ((1 - lx) * logits[y0, x0] + lx * logits[y0, x1]) + ly * ((1 - lx) * logits[y1, x0] + lx * logits[y1, x1]);
                double expected = 1 / (1 + Math.Exp(-l));
                Assert.AreEqual(expected, prediction.Probability[y * 40 + x], 1e-5, $"probability at ({x},{y})");
                Assert.AreEqual(prediction.Probability[y * 40 + x] > 0.5f, prediction.Mask[x, y]);
            }
    }

    [TestMethod]
    public void BatchedTransformMatchesOneRowAtATime()
    {
        var ml = new MLContext(seed: 1);
        var transformer = TrainedModel.Shared;
        Assert.AreEqual(3, transformer.BatchSize);
        var data = TrainingData.Synthetic(ml, 5, seed: 11, split: "val");
        var batched = TrainedModel.Read(transformer.Transform(data));
        Assert.HasCount(5, batched);

        using var cursor = data.GetRowCursor(data.Schema);
        var imageGetter = cursor.GetGetter<MLImage>(data.Schema["Image"]);
        var textGetter = cursor.GetGetter<ReadOnlyMemory<char>>(data.Schema["Expression"]);
        MLImage image = null!;
        ReadOnlyMemory<char> text = default;
        for (int i = 0; cursor.MoveNext(); i++)
        {
            imageGetter(ref image);
            textGetter(ref text);
            var single = transformer.Predict(image, text.ToString());
            Assert.HasCount(64 * 64, batched[i].Probability);
            for (int p = 0; p < single.Probability.Length; p++)
                Assert.AreEqual(single.Probability[p], batched[i].Probability[p], 1e-5f, $"row {i}, pixel {p}");
            Assert.AreEqual(single.Score, batched[i].Score, 1e-5f, $"row {i} score");
        }
    }

    [TestMethod]
    public void PredictionEngineWorksAndDoesNotDisposeTheModel()
    {
        var ml = new MLContext(seed: 1);
        using var model = TrainedModel.Train(ml);
        using var image = TestImages.Random(48, 32, seed: 3);
        var expected = model.Predict(image, "the blue star");
        using (var engine = ml.Model.CreatePredictionEngine<Query, Segmentation>(model))
        {
            var first = engine.Predict(new Query { Image = image, Expression = "the blue star" });
            CollectionAssert.AreEqual(expected.Probability, first.Probability);
            CollectionAssert.AreEqual(expected.Mask.Data, first.PredictedMask);
            Assert.AreEqual(expected.Score, first.Score);
            // A second, different row must not be served from the first row's cache.
            using var other = TestImages.Random(16, 16, seed: 4);
            Assert.HasCount(256, engine.Predict(new Query { Image = other, Expression = "the blue star" }).Probability);
        }
        // The engine disposed its transformer (ML.NET's default OwnsTransformer) — the model still works.
        var again = model.Predict(image, "the blue star");
        CollectionAssert.AreEqual(expected.Probability, again.Probability);
        Assert.HasCount(1, TrainedModel.Read(model.Transform(TrainingData.Synthetic(ml, 1))));

        model.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => model.Predict(image, "the blue star"));
    }

    [TestMethod]
    public void MissingOrMistypedInputColumnsAreNamed()
    {
        var ml = new MLContext(seed: 1);
        var transformer = TrainedModel.Shared;
        var noExpression = ml.Data.LoadFromEnumerable(new[] { new { Text = "x" } });
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => transformer.GetOutputSchema(noExpression.Schema));
        StringAssert.Contains(e.Message, "'Image'");

        var data = TrainingData.Synthetic(ml, 1);
        var renamed = ml.Transforms.CopyColumns("Sentence", "Expression").Append(ml.Transforms.DropColumns("Expression")).Fit(data).Transform(data);
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => transformer.Transform(renamed));
        StringAssert.Contains(e.Message, "'Expression'");
        StringAssert.Contains(e.Message, "text column");
    }

    [TestMethod]
    public void LiveTensorCountStaysFlatOver200Predictions()
    {
        var transformer = TrainedModel.Shared;
        using var image = TestImages.Random(64, 64, seed: 5);
        transformer.Predict(image, "warm up");
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 200; i++) transformer.Predict(image, i % 2 == 0 ? "the left one" : "the large green hexagon");
        Assert.AreEqual(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount, "tensors left alive by 200 predictions");
    }
}
