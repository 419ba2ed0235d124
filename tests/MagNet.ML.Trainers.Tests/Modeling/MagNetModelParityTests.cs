using MagNet.ML.Modeling;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Modeling;

/// <summary>
/// The whole model against the official eval graph: official weights loaded through the public loader, the fixture's
/// inputs, and every one of the fixture's 141 recorded tensors compared (the final probability map to 1e-4 absolute).
/// </summary>
[TestClass]
public sealed class MagNetModelParityTests
{
    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    [DataRow("weights.safetensors")]
    [DataRow("checkpoint.pth")]
    public void EveryFixtureTensorMatchesTheOfficialCode(string weightsFile)
    {
        using var scope = NewDisposeScope();
        var config = MagNetConfig.Load(Fixtures.ParityA("config.json"));
        using var model = new MagNetModel(config);
        var weights = StateDictFile.Read(Fixtures.ParityA(weightsFile));
        var report = ModuleWeights.Load(model, weights, strict: true, source: weightsFile);
        Assert.IsTrue(report.IsExact, report.ToString());
        Assert.AreEqual(818, report.Loaded);
        model.eval();

        var inputs = Safetensors.LoadStateDict(Fixtures.ParityA("inputs.safetensors"));
        var expected = Safetensors.LoadStateDict(Fixtures.ParityA("outputs.safetensors"));
        Assert.HasCount(141, expected);
        using var recorder = TensorRecorder.Begin();
        Tensor prob;
        using (torch.no_grad())
            prob = model.PredictProbability(inputs["image"], inputs["input_ids"], inputs["attention_mask"]);

        var failures = new List<string>();
        foreach (var (name, reference) in expected.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!recorder.Tensors.TryGetValue(name, out var actual)) { failures.Add($"{name}: not recorded"); continue; }
            if (!actual.shape.SequenceEqual(reference.shape)) { failures.Add($"{name}: shape [{string.Join(",", actual.shape)}]"); continue; }
            if (reference.dtype == ScalarType.Int64)
            {
                if (!actual.to_type(ScalarType.Int64).equal(reference).all().item<bool>()) failures.Add($"{name}: integers differ");
                continue;
            }
            var a = actual.to_type(ScalarType.Float64);
            var r = reference.to_type(ScalarType.Float64);
            double diff = (a - r).abs().max().item<double>(), scale = r.abs().max().item<double>();
            TestContext.WriteLine($"{name,-34} max|diff| {diff:E2} max|ref| {scale:G3}");
            if (!(diff <= 1e-3 * Math.Max(scale, 1e-12))) failures.Add($"{name}: max|diff| {diff:E2} vs max|ref| {scale:G3}");
        }
        double probDiff = (prob - expected["post.prob"]).abs().max().to_type(ScalarType.Float64).item<double>();
        TestContext.WriteLine($"final probability map: max|diff| {probDiff:E2}");
        Assert.IsLessThanOrEqualTo(1e-4, probDiff, "final probability map");
        Assert.IsEmpty(failures, string.Join("\n", failures));
    }

    [TestMethod]
    public void KeySetAndShapesEqualTheOfficialCheckpoint()
    {
        var config = MagNetConfig.Load(Fixtures.ParityA("config.json"));
        using var model = new MagNetModel(config);
        var official = Fixtures.SafetensorsShapes(Fixtures.ParityA("weights.safetensors"));
        var ours = model.state_dict();
        CollectionAssert.AreEquivalent(official.Keys.ToList(), ours.Keys.ToList());
        foreach (var (name, shape) in official) CollectionAssert.AreEqual(shape, ours[name].shape, name);
    }

    [TestMethod]
    public void MagNetBManifestMatchesLineForLine()
    {
        var expected = File.ReadLines(Fixtures.MagNetBStateDict).Skip(1).Where(l => !l.StartsWith('#'))
            .Select(l => l.Split('\t')).Select(c => $"{c[0]}\t{c[1].Replace('x', ',')}").ToList();
        var actual = MagNetManifest.Lines(MagNetConfig.MagNetB());
        Assert.HasCount(1310, expected);
        int first = Enumerable.Range(0, Math.Min(expected.Count, actual.Count)).FirstOrDefault(i => expected[i] != actual[i], -1);
        Assert.AreEqual(-1, first, first < 0 ? "" : $"line {first + 2}: expected '{expected[first]}', got '{actual[first]}'");
        Assert.HasCount(expected.Count, actual);
    }
}
