using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MagNet.ML;

/// <summary>
/// Complete MagNet model configuration: the three constructor sections of the official evaluation graph
/// (<c>image_model</c>, <c>language_model</c>, <c>classifier</c>, same JSON names as the official constructor arguments)
/// plus the input contract (<c>image_size</c>, <c>max_tokens</c>) and the language-side PWAM mask quirk switch.
/// Serialises with System.Text.Json; <see cref="Load"/> also reads a fixture/export file that keeps the sections under
/// <c>constructor_args</c>.
/// </summary>
public sealed class MagNetConfig
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        RespectNullableAnnotations = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>A short name for the configuration (for logs and saved models).</summary>
    [JsonPropertyName("name")] public string Name { get; set; } = "custom";

    /// <summary>Side S of the square network input (images are resized to S×S).</summary>
    [JsonPropertyName("image_size")] public int ImageSize { get; set; } = 480;

    /// <summary>Token sequence length T (special tokens included, zero-padded).</summary>
    [JsonPropertyName("max_tokens")] public int MaxTokens { get; set; } = 20;

    /// <summary>
    /// True reproduces the official language-side PWAM exactly: it receives the additive mask (0 / −10000) where a 0/1
    /// mask was meant, so every valid token attends uniformly to all pixels. Needed to reuse official checkpoints.
    /// False uses the intended 0/1 query mask (the sound choice for models trained here).
    /// </summary>
    [JsonPropertyName("language_pwam_quirk")] public bool LanguagePwamQuirk { get; set; } = true;

    /// <summary>
    /// True (MagNet) builds the Cross-modal Alignment Module in every image stage: pyramid-pooled PWAMs and the mixer
    /// that produces the decoder feature Y_i. False (LAVT's stage, for ablation) builds no <c>pyramids</c>,
    /// <c>fusions</c> or <c>mixer</c>, and the decoder feature is <c>Y_i = image_model.norm{i}(F)</c>, the stage's
    /// output LayerNorm applied to the main PWAM output F (so every stage needs an output norm: out_indices must be
    /// [0,1,2,3]).
    /// </summary>
    [JsonPropertyName("use_cam")] public bool UseCam { get; set; } = true;

    /// <summary>
    /// Output width of <c>lang_proj</c>, the projection of the sentence feature used by the Cross-modal Alignment Loss
    /// (256 in the official model, where it equals the mask-feature width; not used at inference).
    /// </summary>
    [JsonPropertyName("lang_proj_dim")] public int LangProjDim { get; set; } = 256;

    /// <summary>The image-encoder section.</summary>
    [JsonPropertyName("image_model")] public ImageModelSection ImageModel { get; set; } = new();

    /// <summary>The text-encoder section.</summary>
    [JsonPropertyName("language_model")] public LanguageModelSection LanguageModel { get; set; } = new();

    /// <summary>The head section.</summary>
    [JsonPropertyName("classifier")] public ClassifierSection Classifier { get; set; } = new();

    /// <summary>
    /// The released MagNet configuration: Swin-B (embed 128, depths [2,2,18,2], heads [4,8,16,32], window 12) at 480²,
    /// BERT-base interleaved at layers [3,6,9,12], the <c>test.py</c> head (4 encoder layers, width 256, FFN 2048,
    /// DEC_LAYERS 10, 8 heads) and the official language-PWAM quirk (so official checkpoints load and run as released).
    /// </summary>
    public static MagNetConfig MagNetB()
    {
        var config = new MagNetConfig
        {
            Name = "magnet-b",
            ImageSize = 480,
            MaxTokens = 20,
            LanguagePwamQuirk = true,
            ImageModel = new ImageModelSection
            {
                Kwargs = new ImageModelConfig
                {
                    EmbedDim = 128, Depths = [2, 2, 18, 2], NumHeads = [4, 8, 16, 32], WindowSize = 12, DropPathRate = 0.3,
                },
            },
            LanguageModel = new LanguageModelSection { Config = new BertConfig(), EmbedDim = 128, PwamIdx = [3, 6, 9, 12] },
            Classifier = new ClassifierSection { Cfg = new ClassifierConfig() },
        };
        config.Classifier.InputShape = config.BackboneFeatureShapes();
        return config;
    }

    /// <summary>
    /// A CPU-sized MagNet: Swin with embed 32, depths [1,1,2,1], heads [1,2,4,8], window 4 at 128² (stage maps
    /// 32/16/8/4, no padding); the MiniLM-L6 text encoder (384 wide, 6 layers, 12 heads, FFN 1536, the bert-base-uncased
    /// vocabulary; weights via <see cref="Modeling.MiniLmWeights"/>) interleaved at layers [2,4,5,6]; a head of width 64
    /// (2 deformable encoder layers with FFN 256 instead of the official head's hard-coded 1024, which at this width
    /// was over a third of the pass; DEC_LAYERS 4, 8 heads, decoder FFN 256); the 0/1 language-PWAM mask (quirk off).
    /// </summary>
    public static MagNetConfig MagNetTiny()
    {
        var config = new MagNetConfig
        {
            Name = "magnet-tiny",
            ImageSize = 128,
            MaxTokens = 20,
            LanguagePwamQuirk = false,
            LangProjDim = 64,
            ImageModel = new ImageModelSection
            {
                Kwargs = new ImageModelConfig
                {
                    EmbedDim = 32, Depths = [1, 1, 2, 1], NumHeads = [1, 2, 4, 8], WindowSize = 4, DropPathRate = 0.1,
                },
            },
            LanguageModel = new LanguageModelSection
            {
                Config = new BertConfig { HiddenSize = 384, NumHiddenLayers = 6, NumAttentionHeads = 12, IntermediateSize = 1536 },
                EmbedDim = 32,
                PwamIdx = [2, 4, 5, 6],
            },
            Classifier = new ClassifierSection
            {
                Cfg = new ClassifierConfig
                {
                    TransformerEncLayers = 2, TransformerDimFeedforward = 256, ConvsDim = 64, MaskDim = 64, HiddenDim = 64,
                    DimFeedforward = 256, DecLayers = 4,
                },
            },
        };
        config.Classifier.InputShape = config.BackboneFeatureShapes();
        return config;
    }

    /// <summary>
    /// <see cref="MagNetTiny"/> with a ResNet-18 image side (<see cref="ImageEncoderKind.ResNet"/>, depths 2, 2, 2, 3,
    /// stage widths 64/128/256/512 — so the fusion modules, the language PWAMs and the head are those of a Swin with
    /// embedding 64), meant to start from the ImageNet ResNet-18 of ML.NET's
    /// <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> package (see <see cref="MagNetTrainer.Options.ImageEncoderWeightsPath"/>).
    /// </summary>
    public static MagNetConfig MagNetTinyResNet18()
    {
        var config = MagNetTiny();
        config.Name = "magnet-tiny-r18";
        config.ImageModel.Type = ImageEncoderKind.ResNet;
        config.ImageModel.Kwargs.EmbedDim = 64;
        config.ImageModel.Kwargs.Depths = [2, 2, 2, 3];
        config.ImageModel.Kwargs.DropPathRate = 0;
        config.LanguageModel.EmbedDim = 64;
        config.Classifier.InputShape = config.BackboneFeatureShapes();
        return config;
    }

    /// <summary>
    /// The shapes of the backbone features s1..s4 this configuration produces (channels embed_dim·2^i, strides
    /// patch_size·2^i), in the form <see cref="ClassifierSection.InputShape"/> expects.
    /// </summary>
    public Dictionary<string, FeatureShape> BackboneFeatureShapes()
    {
        var kw = ImageModel.Kwargs;
        var shapes = new Dictionary<string, FeatureShape>();
        for (int i = 0; i < 4; i++)
            shapes[$"s{i + 1}"] = new FeatureShape { Channel = kw.EmbedDim << i, Stride = kw.PatchSize << i };
        return shapes;
    }

    /// <summary>
    /// Reads and validates a configuration file: either this type's own JSON, or a file whose <c>constructor_args</c>
    /// object holds the three sections (as the official-parity fixtures' <c>config.json</c>); in that case
    /// <c>image_size</c>/<c>max_tokens</c>/<c>name</c> come from the root when present, else from
    /// <c>image.height</c>/<c>text.max_tokens</c>/<c>fixture</c>, and the quirk defaults to on (official code).
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid JSON of this shape, or a value is invalid (the message names the file and field).</exception>
    public static MagNetConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"MagNet configuration file '{path}' does not exist.", path);
        try
        {
            return FromJson(File.ReadAllText(path));
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidDataException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Parses and validates a configuration from JSON text (see <see cref="Load"/> for the accepted shapes).</summary>
    /// <exception cref="InvalidDataException">The text is not JSON of this shape.</exception>
    /// <exception cref="ArgumentException">A value is invalid (the message names the field).</exception>
    public static MagNetConfig FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"not valid JSON: {e.Message}", e);
        }
        if (root is not JsonObject obj) throw new InvalidDataException("the configuration must be a JSON object.");
        if (obj["constructor_args"] is JsonObject args) obj = FromConstructorArgs(obj, args);

        MagNetConfig? config;
        try
        {
            config = obj.Deserialize<MagNetConfig>(JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"invalid configuration at '{e.Path}': {e.Message}", e);
        }
        if (config is null) throw new InvalidDataException("the configuration is null.");
        config.Validate();
        return config;
    }

    private static JsonObject FromConstructorArgs(JsonObject root, JsonObject args)
    {
        var result = new JsonObject();
        string? name = root["name"]?.GetValue<string>() ?? root["fixture"]?.GetValue<string>();
        if (name is not null) result["name"] = name;

        if (root["image_size"] is JsonNode size) result["image_size"] = size.DeepClone();
        else if (root["image"] is JsonObject image && image["height"] is JsonNode height)
        {
            if (image["width"] is JsonNode width && width.GetValue<int>() != height.GetValue<int>())
                throw new InvalidDataException($"image is {width}x{height}; MagNet inputs are square (image.width must equal image.height).");
            result["image_size"] = height.DeepClone();
        }

        if (root["max_tokens"] is JsonNode tokens) result["max_tokens"] = tokens.DeepClone();
        else if (root["text"] is JsonObject text && text["max_tokens"] is JsonNode textTokens) result["max_tokens"] = textTokens.DeepClone();

        result["language_pwam_quirk"] = root["language_pwam_quirk"]?.DeepClone() ?? true;
        foreach (var section in new[] { "image_model", "language_model", "classifier" })
            if (args[section] is JsonNode node) result[section] = node.DeepClone();
        return result;
    }

    /// <summary>This configuration as indented JSON (the shape <see cref="FromJson"/> reads).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/>.</summary>
    public void Save(string path) => File.WriteAllText(path, ToJson());

    /// <summary>
    /// Checks every value and the relations between them (four stages, heads dividing widths, BERT groups ending at the
    /// last layer, the head's input shapes matching the backbone, ...).
    /// </summary>
    /// <exception cref="ArgumentException">The first invalid value; the message names the JSON field and the fault.</exception>
    public void Validate()
    {
        MagNetConfigValidator.Validate(this);
        if (!UseCam && !Enumerable.Range(0, 4).All(i => ImageModel.Kwargs.OutIndices.Contains(i)))
            throw new ArgumentException(
                $"image_model.kwargs.out_indices is [{string.Join(", ", ImageModel.Kwargs.OutIndices)}]; with use_cam false the decoder " +
                "features are the stage output norms norm0..norm3, so it must be [0, 1, 2, 3].");
    }
}
