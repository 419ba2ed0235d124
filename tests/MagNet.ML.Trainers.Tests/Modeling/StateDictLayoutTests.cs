using MagNet.ML.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Modeling;

/// <summary>The backbone's state-dict names and shapes equal the official ones (fixture header, MagNet-B manifest).</summary>
[TestClass]
public sealed class StateDictLayoutTests
{
    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    public void ParityConfigurationHasExactlyTheOfficialBackboneEntries()
    {
        var config = MagNetConfig.Load(Fixtures.ParityA("config.json"));
        using var backbone = new MagNetBackbone(config);
        var official = Fixtures.SafetensorsShapes(Fixtures.ParityA("weights.safetensors"));
        AssertSameLayout(Backbone(official), Layout(backbone));
    }

    [TestMethod]
    public void MagNetBHasExactlyTheReleasedBackboneEntries()
    {
        var official = Fixtures.TsvShapes(Fixtures.MagNetBStateDict);
        Assert.AreEqual(1310, official.Count, "the manifest lists 1310 entries");
        var previous = torch.get_default_device();
        Dictionary<string, long[]> ours;
        torch.set_default_device(torch.META);
        try
        {
            using var backbone = new MagNetBackbone(MagNetConfig.MagNetB());
            ours = Layout(backbone);
        }
        finally
        {
            torch.set_default_device(previous);
        }
        AssertSameLayout(Backbone(official), ours);
    }

    private static Dictionary<string, long[]> Backbone(Dictionary<string, long[]> all) =>
        all.Where(e => e.Key.StartsWith("image_model.", StringComparison.Ordinal) || e.Key.StartsWith("language_model.", StringComparison.Ordinal))
            .ToDictionary(e => e.Key, e => e.Value);

    private static Dictionary<string, long[]> Layout(nn.Module module) =>
        module.state_dict().ToDictionary(e => e.Key, e => e.Value.shape);

    private static void AssertSameLayout(Dictionary<string, long[]> expected, Dictionary<string, long[]> actual)
    {
        var missing = expected.Keys.Except(actual.Keys).OrderBy(k => k, StringComparer.Ordinal).ToList();
        var extra = actual.Keys.Except(expected.Keys).OrderBy(k => k, StringComparer.Ordinal).ToList();
        Assert.IsEmpty(missing, "missing: " + string.Join(", ", missing.Take(10)));
        Assert.IsEmpty(extra, "unexpected: " + string.Join(", ", extra.Take(10)));
        var wrong = expected.Where(e => !e.Value.SequenceEqual(actual[e.Key]))
            .Select(e => $"{e.Key} {Fixtures.Describe(actual[e.Key])} != {Fixtures.Describe(e.Value)}").ToList();
        Assert.IsEmpty(wrong, "wrong shapes: " + string.Join("; ", wrong.Take(10)));
    }
}
