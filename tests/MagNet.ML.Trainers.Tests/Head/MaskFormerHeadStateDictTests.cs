using System.Text;
using System.Text.Json;
using MagNet.ML.Modeling;
using TorchSharp;

namespace MagNet.ML.Tests.Head;

/// <summary>The head's state-dict names and shapes equal the official <c>classifier.*</c> entries (tiny fixture and MagNet-B).</summary>
[TestClass]
public sealed class MaskFormerHeadStateDictTests
{
    [ClassInitialize]
    public static void SingleThread(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    public void TinyHeadStateDictEqualsFixtureClassifierEntries()
    {
        var expected = ClassifierEntriesFromSafetensorsHeader(HeadFixtures.WeightsPath);
        using var head = new MaskFormerHead(HeadFixtures.OptionsFromConfig());
        var actual = StateDictEntries(head);
        Assert.HasCount(118, expected, "classifier.* entries in the fixture's weights header");
        CollectionAssert.AreEqual(expected, actual, Difference(expected, actual));
    }

    [TestMethod]
    public void FullSizeHeadStateDictEqualsMagNetBManifest()
    {
        var expected = File.ReadLines(HeadFixtures.MagNetBManifestPath)
            .Where(line => line.StartsWith(HeadFixtures.ClassifierPrefix, StringComparison.Ordinal))
            .Select(line => line.Split('\t'))
            .Select(cols => $"{cols[0][HeadFixtures.ClassifierPrefix.Length..]} {cols[1]} {cols[2]}")
            .ToList();
        var options = new MaskFormerHeadOptions
        {
            InputChannels = [128, 256, 512, 1024],
            InputStrides = [4, 8, 16, 32],
            ConvDim = 256,
            MaskDim = 256,
            HiddenDim = 256,
            NumHeads = 8,
            TransformerEncoderLayers = 4,
            EncoderFeedforwardDim = 1024,
            DecLayers = 10,
            DimFeedforward = 2048,
            NumQueries = 1,
            NumClasses = 1,
        };
        using var head = new MaskFormerHead(options);
        var actual = StateDictEntries(head);
        CollectionAssert.AreEqual(expected, actual, Difference(expected, actual));

        // Parameter counts of the manifest's README: pixel decoder 3,588,864 and predictor 14,408,450.
        long pixelDecoder = head.named_parameters().Where(p => p.name.StartsWith("pixel_decoder.", StringComparison.Ordinal)).Sum(p => p.parameter.numel());
        long predictor = head.named_parameters().Where(p => p.name.StartsWith("predictor.", StringComparison.Ordinal)).Sum(p => p.parameter.numel());
        Assert.AreEqual(3_588_864L, pixelDecoder);
        Assert.AreEqual(14_408_450L, predictor);
    }

    [TestMethod]
    public void DefaultOptionsBuildTheMagNetBHead()
    {
        var expectedCount = File.ReadLines(HeadFixtures.MagNetBManifestPath)
            .Count(line => line.StartsWith(HeadFixtures.ClassifierPrefix, StringComparison.Ordinal));
        using var head = new MaskFormerHead(new MaskFormerHeadOptions());
        Assert.HasCount(expectedCount, head.state_dict());
        Assert.AreEqual(3_588_864L + 14_408_450L, head.parameters().Sum(p => p.numel()));
    }

    // "name shape dtype" of every classifier.* entry of a safetensors header, prefix removed, in file order.
    private static List<string> ClassifierEntriesFromSafetensorsHeader(string path)
    {
        using var stream = File.OpenRead(path);
        var lengthBytes = new byte[8];
        stream.ReadExactly(lengthBytes);
        var header = new byte[BitConverter.ToUInt64(lengthBytes)];
        stream.ReadExactly(header);
        using var doc = JsonDocument.Parse(header);
        return doc.RootElement.EnumerateObject()
            .Where(p => p.Name.StartsWith(HeadFixtures.ClassifierPrefix, StringComparison.Ordinal))
            .Select(p => $"{p.Name[HeadFixtures.ClassifierPrefix.Length..]} {string.Join('x', p.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()))} {p.Value.GetProperty("dtype").GetString()}")
            .ToList();
    }

    private static List<string> StateDictEntries(MaskFormerHead head) =>
        head.state_dict().Select(kv => $"{kv.Key} {string.Join('x', kv.Value.shape)} {DType(kv.Value.dtype)}").ToList();

    private static string DType(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Float32 => "F32",
        torch.ScalarType.Int64 => "I64",
        _ => type.ToString(),
    };

    private static string Difference(List<string> expected, List<string> actual)
    {
        var text = new StringBuilder();
        text.Append("missing: ").AppendJoin(", ", expected.Except(actual).Take(10));
        text.Append("; unexpected: ").AppendJoin(", ", actual.Except(expected).Take(10));
        int firstOrderDifference = expected.Zip(actual).TakeWhile(p => p.First == p.Second).Count();
        text.Append($"; first difference at index {firstOrderDifference}");
        return text.ToString();
    }
}
