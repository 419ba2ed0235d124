using System.Text.Json;
using MagNet.ML.Modeling;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Head;

/// <summary>Access to the official parity fixture (tests/fixtures/official-parity-a) and the MagNet-B manifest.</summary>
internal static class HeadFixtures
{
    public const string ClassifierPrefix = "classifier.";

    public static string FixturesDirectory { get; } = FindFixturesDirectory();

    public static string ParityDirectory => Path.Combine(FixturesDirectory, "official-parity-a");

    public static string WeightsPath => Path.Combine(ParityDirectory, "weights.safetensors");

    public static string OutputsPath => Path.Combine(ParityDirectory, "outputs.safetensors");

    public static string MagNetBManifestPath => Path.Combine(FixturesDirectory, "magnet-b-state-dict.tsv");

    private static string FindFixturesDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures");
            if (File.Exists(Path.Combine(candidate, "official-parity-a", "config.json"))) return candidate;
        }
        throw new DirectoryNotFoundException($"tests/fixtures/official-parity-a not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>Head options read from the fixture's config.json (the cfg and input_shape the official head was built with).</summary>
    public static MaskFormerHeadOptions OptionsFromConfig()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(ParityDirectory, "config.json")));
        var classifier = doc.RootElement.GetProperty("constructor_args").GetProperty("classifier");
        var cfg = classifier.GetProperty("cfg");
        int Cfg(string key) => cfg.GetProperty(key).GetInt32();
        var inputShape = classifier.GetProperty("input_shape");
        string[] levels = ["s1", "s2", "s3", "s4"];
        return new MaskFormerHeadOptions
        {
            InputChannels = levels.Select(s => inputShape.GetProperty(s).GetProperty("channel").GetInt32()).ToArray(),
            InputStrides = levels.Select(s => inputShape.GetProperty(s).GetProperty("stride").GetInt32()).ToArray(),
            ConvDim = Cfg("MODEL.SEM_SEG_HEAD.CONVS_DIM"),
            MaskDim = Cfg("MODEL.SEM_SEG_HEAD.MASK_DIM"),
            HiddenDim = Cfg("MODEL.MASK_FORMER.HIDDEN_DIM"),
            NumHeads = Cfg("MODEL.MASK_FORMER.NHEADS"),
            TransformerEncoderLayers = Cfg("MODEL.SEM_SEG_HEAD.TRANSFORMER_ENC_LAYERS"),
            DecLayers = Cfg("MODEL.MASK_FORMER.DEC_LAYERS"),
            DimFeedforward = Cfg("MODEL.MASK_FORMER.DIM_FEEDFORWARD"),
            NumQueries = Cfg("MODEL.MASK_FORMER.NUM_OBJECT_QUERIES"),
            NumClasses = Cfg("MODEL.SEM_SEG_HEAD.NUM_CLASSES"),
            PreNorm = cfg.GetProperty("MODEL.MASK_FORMER.PRE_NORM").GetBoolean(),
            CommonStride = Cfg("MODEL.SEM_SEG_HEAD.COMMON_STRIDE"),
            Dropout = cfg.GetProperty("MODEL.MASK_FORMER.DROPOUT").GetDouble(),
        };
    }

    /// <summary>All tensors of a safetensors file, read with TorchSharp.PyBridge (the caller disposes them).</summary>
    public static Dictionary<string, Tensor> LoadTensors(string path) => Safetensors.LoadStateDict(path);

    /// <summary>The official <c>classifier.*</c> weights with the prefix removed (the caller disposes them).</summary>
    public static Dictionary<string, Tensor> LoadClassifierWeights()
    {
        var all = LoadTensors(WeightsPath);
        var classifier = new Dictionary<string, Tensor>();
        foreach (var (name, t) in all)
        {
            if (name.StartsWith(ClassifierPrefix, StringComparison.Ordinal)) classifier[name[ClassifierPrefix.Length..]] = t;
            else t.Dispose();
        }
        return classifier;
    }

    /// <summary>The tiny head of the fixture with the official weights loaded strictly (every key, no extra key).</summary>
    public static MaskFormerHead CreateHeadWithOfficialWeights()
    {
        var head = new MaskFormerHead(OptionsFromConfig());
        var weights = LoadClassifierWeights();
        try
        {
            head.load_state_dict(weights, strict: true);
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
        head.eval();
        return head;
    }
}
