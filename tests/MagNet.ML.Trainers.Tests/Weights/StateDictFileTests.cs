using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Weights;

[TestClass]
public sealed class StateDictFileTests
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "fixtures", "official-parity-a");

    [ClassInitialize]
    public static void Init(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    public void NestedCheckpointAndSafetensorsHoldTheSameTensors()
    {
        // checkpoint.pth nests the state dict under 'model' like the released MagNet files; the fixture README states
        // that weights.safetensors holds the same 818 entries.
        var nested = StateDictFile.Read(Path.Combine(Fixture, "checkpoint.pth"));
        var flat = StateDictFile.Read(Path.Combine(Fixture, "weights.safetensors"));
        try
        {
            Assert.AreEqual(818, flat.Count);
            CollectionAssert.AreEquivalent(flat.Keys.ToList(), nested.Keys.ToList());
            foreach (var (name, t) in flat)
            {
                CollectionAssert.AreEqual(t.shape, nested[name].shape, name);
                Assert.IsTrue(t.equal(nested[name]).all().item<bool>(), $"{name} differs between the two files");
            }
            Assert.AreEqual(ScalarType.Int64, flat["image_model.layers.0.blocks.0.attn.relative_position_index"].dtype);
        }
        finally
        {
            foreach (var t in flat.Values.Concat(nested.Values)) t.Dispose();
        }
    }

    [TestMethod]
    public void UnknownFormatIsRejectedByName()
    {
        string path = Path.Combine(Path.GetTempPath(), $"not-weights-{Guid.NewGuid():N}.bin");
        File.WriteAllText(path, "hello");
        try
        {
            var e = Assert.ThrowsExactly<InvalidDataException>(() => StateDictFile.Read(path));
            StringAssert.Contains(e.Message, path);
        }
        finally { File.Delete(path); }
    }

    [TestMethod]
    public void ReportNamesMissingUnexpectedAndMisShapedKeys()
    {
        using var module = nn.Sequential(("fc", nn.Linear(3, 2)));
        var sd = new Dictionary<string, Tensor>
        {
            ["fc.weight"] = torch.ones(2, 4),          // wrong shape
            ["fc.extra"] = torch.zeros(1),             // not in the model
        };                                             // fc.bias missing
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ModuleWeights.Load(module, sd, strict: true, source: "test"));
        StringAssert.Contains(e.Message, "fc.bias");
        StringAssert.Contains(e.Message, "fc.extra");
        StringAssert.Contains(e.Message, "fc.weight (model [2,3], file [2,4])");

        sd["fc.weight"] = torch.full(2, 3, 0.5f);
        var report = ModuleWeights.Load(module, sd, strict: false);
        Assert.AreEqual(1, report.Loaded);
        CollectionAssert.AreEqual(new[] { "fc.bias" }, report.Missing.ToArray());
        CollectionAssert.AreEqual(new[] { "fc.extra" }, report.Unexpected.ToArray());
        Assert.AreEqual(0.5f, module.state_dict()["fc.weight"][1, 2].item<float>());
        foreach (var t in sd.Values) t.Dispose();
    }
}
