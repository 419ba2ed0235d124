using System.Text;
using MagNet.ML.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Head;

/// <summary>
/// Runs the head on the official fixture's backbone features (img.stage{i}.Y) with the official classifier weights
/// and compares every recorded pixel-decoder, decoder and post-processing tensor with the official PyTorch run.
/// </summary>
[TestClass]
public sealed class MaskFormerHeadParityTests
{
    private const double RelativeTolerance = 1e-3;     // of the reference tensor's max |x|, for intermediates
    private const double ProbabilityTolerance = 1e-4;  // absolute, for post.prob

    private static Dictionary<string, Tensor> reference = null!;
    private static Dictionary<string, Tensor> recorded = null!;
    private static (long Height, long Width) imageSize;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void RunHeadOnFixture(TestContext _)
    {
        torch.set_num_threads(1);
        reference = HeadFixtures.LoadTensors(HeadFixtures.OutputsPath);
        using var inputs = HeadFixtures.LoadTensors(Path.Combine(HeadFixtures.ParityDirectory, "inputs.safetensors")).AsDisposable();
        var image = inputs.Value["image"];
        imageSize = (image.shape[2], image.shape[3]);

        using var head = HeadFixtures.CreateHeadWithOfficialWeights();
        using var noGrad = no_grad();
        using var recorder = TensorRecorder.Begin();
        using var output = head.call(reference["img.stage1.Y"], reference["img.stage2.Y"], reference["img.stage3.Y"], reference["img.stage4.Y"]);
        using var probability = SemanticInference.Postprocess(output.PredLogits, output.PredMasks, imageSize);
        recorded = recorder.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope());
    }

    [ClassCleanup]
    public static void Release()
    {
        foreach (var t in reference.Values) t.Dispose();
        foreach (var t in recorded.Values) t.Dispose();
    }

    private static bool IsHeadTensor(string name) =>
        name.StartsWith("pixdec.", StringComparison.Ordinal) || name.StartsWith("dec.", StringComparison.Ordinal) || name.StartsWith("post.", StringComparison.Ordinal);

    [TestMethod]
    public void RecordsExactlyTheFixtureHeadTensorNames()
    {
        var expected = reference.Keys.Where(IsHeadTensor).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        var actual = recorded.Keys.OrderBy(n => n, StringComparer.Ordinal).ToArray();
        Assert.IsNotEmpty(expected);
        CollectionAssert.AreEqual(expected, actual,
            $"missing: [{string.Join(", ", expected.Except(actual))}], extra: [{string.Join(", ", actual.Except(expected))}]");
    }

    [TestMethod]
    public void PixelDecoderMatchesOfficialTensors() => CompareFamily("pixdec.");

    [TestMethod]
    public void TransformerDecoderMatchesOfficialTensors() => CompareFamily("dec.");

    [TestMethod]
    public void PostprocessingMatchesOfficialTensors() => CompareFamily("post.");

    [TestMethod]
    public void PredictedForegroundEqualsOfficialForeground()
    {
        // test.py thresholds the probability at 0.5; the binary masks must agree pixel for pixel.
        using var mine = recorded["post.prob"].gt(0.5);
        using var official = reference["post.prob"].gt(0.5);
        Assert.IsTrue(mine.eq(official).all().item<bool>(), "foreground masks differ");
        Assert.AreEqual(imageSize.Height, mine.shape[2]);
        Assert.AreEqual(imageSize.Width, mine.shape[3]);
    }

    private void CompareFamily(string prefix)
    {
        var names = reference.Keys.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        Assert.IsNotEmpty(names);
        var report = new StringBuilder();
        var failures = new List<string>();
        foreach (var name in names)
        {
            Assert.IsTrue(recorded.TryGetValue(name, out var actual), $"{name} was not recorded");
            var expected = reference[name];
            CollectionAssert.AreEqual(expected.shape, actual.shape, $"{name}: shape");
            if (expected.dtype == ScalarType.Int64)
            {
                using var actualLong = actual.to_type(ScalarType.Int64);
                long differing = actualLong.ne(expected).sum().item<long>();
                report.AppendLine($"{name}: {differing} of {expected.numel()} integer entries differ");
                if (differing != 0) failures.Add($"{name}: {differing} entries differ");
                continue;
            }
            using var diff = (actual.to_type(ScalarType.Float64) - expected.to_type(ScalarType.Float64)).abs();
            double maxDiff = diff.max().item<double>();
            double maxAbs = expected.abs().max().to_type(ScalarType.Float64).item<double>();
            if (name == "post.prob")
            {
                report.AppendLine($"{name}: max |diff| = {maxDiff:E3} (absolute limit {ProbabilityTolerance:E0})");
                if (!(maxDiff <= ProbabilityTolerance)) failures.Add($"{name}: max |diff| {maxDiff:E3}");
            }
            else
            {
                double relative = maxDiff / maxAbs;
                report.AppendLine($"{name}: max |diff| = {maxDiff:E3}, max |ref| = {maxAbs:G4}, relative = {relative:E3}");
                if (!(relative <= RelativeTolerance)) failures.Add($"{name}: relative {relative:E3}");
            }
        }
        TestContext.WriteLine(report.ToString());
        Assert.IsEmpty(failures, string.Join("; ", failures));
    }
}
