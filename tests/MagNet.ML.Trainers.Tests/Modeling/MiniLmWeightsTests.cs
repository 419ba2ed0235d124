using MagNet.ML.Modeling;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Modeling;

/// <summary>The MiniLM-L6 import, checked against ONNX Runtime running the same packaged model.</summary>
[TestClass]
public sealed class MiniLmWeightsTests
{
    // Two bert-base-uncased tokenisations ("the red circle left of the blue square", "man on right"), zero-padded.
    private static readonly long[,] InputIds =
    {
        { 101, 1996, 2417, 4418, 2187, 1997, 1996, 2630, 2675, 102, 0, 0 },
        { 101, 2158, 2006, 2157, 102, 0, 0, 0, 0, 0, 0, 0 },
    };

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    public void PlainBertPassEqualsOnnxRuntimeLastHiddenState()
    {
        int batch = InputIds.GetLength(0), tokens = InputIds.GetLength(1);
        var ids = new long[batch * tokens];
        var mask = new long[batch * tokens];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < tokens; t++)
            {
                ids[b * tokens + t] = InputIds[b, t];
                mask[b * tokens + t] = InputIds[b, t] != 0 ? 1 : 0;
            }

        float[] reference = RunOnnxRuntime(ids, mask, batch, tokens);

        var config = MagNetConfig.MagNetTiny();
        using var bert = new MultiModalBert(config.LanguageModel, config.LanguagePwamQuirk);
        MiniLmWeights.LoadInto(bert);
        bert.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var hidden = bert.ForwardText(torch.tensor(ids, [batch, tokens]), torch.tensor(mask, [batch, tokens]));
        CollectionAssert.AreEqual(new long[] { batch, tokens, 384 }, hidden.shape);
        var ours = hidden.data<float>().ToArray();

        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(ours[i] - reference[i]));
            maxRef = Math.Max(maxRef, Math.Abs(reference[i]));
        }
        TestContext.WriteLine($"max |TorchSharp − ONNX Runtime| = {maxDiff:E2} (max |ref| {maxRef:G3})");
        Assert.IsGreaterThan(0.1, maxRef, "the reference is not degenerate");
        Assert.IsLessThanOrEqualTo(1e-4, maxDiff);
    }

    [TestMethod]
    public void EveryBertParameterIsNamedAndNothingElse()
    {
        var config = MagNetConfig.MagNetTiny();
        using var bert = new MultiModalBert(config.LanguageModel, config.LanguagePwamQuirk);
        var weights = MiniLmWeights.ReadStateDict();
        try
        {
            var expected = bert.state_dict()
                .Where(e => e.Key.StartsWith("embeddings.", StringComparison.Ordinal) || e.Key.StartsWith("encoder.", StringComparison.Ordinal))
                .ToDictionary(e => e.Key, e => e.Value.shape);
            // 5 embedding tensors + 6 layers × 16 (q/k/v/attention-output/intermediate/output weights and biases, 2 LayerNorms).
            Assert.HasCount(5 + 6 * 16, expected);
            CollectionAssert.AreEquivalent(expected.Keys.ToList(), weights.Keys.ToList());
            foreach (var (name, shape) in expected) CollectionAssert.AreEqual(shape, weights[name].shape, name);
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }

    [TestMethod]
    public void RefusesAnEncoderOfAnotherSize()
    {
        var config = MagNetConfig.Load(Fixtures.ParityA("config.json"));   // a 16-wide BERT
        using var bert = new MultiModalBert(config.LanguageModel, config.LanguagePwamQuirk);
        var error = Assert.ThrowsExactly<ArgumentException>(() => MiniLmWeights.LoadInto(bert));
        StringAssert.Contains(error.Message, "hidden_size");
    }

    private static float[] RunOnnxRuntime(long[] ids, long[] mask, int batch, int tokens)
    {
        byte[] model;
        using (var stream = MiniLmWeights.OpenModel())
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            model = copy.ToArray();
        }
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        int[] dims = [batch, tokens];
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, dims)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, dims)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[ids.Length], dims)),
        };
        using var results = session.Run(inputs, ["last_hidden_state"]);
        return results.First().AsTensor<float>().ToArray();
    }
}
