using System.Text.Json;
using System.Text.Json.Nodes;
using MagNet.ML.Modeling;

namespace MagNet.ML.Tests.Modeling;

/// <summary>Reading, writing, presets and validation of <see cref="MagNetConfig"/>.</summary>
[TestClass]
public sealed class MagNetConfigTests
{
    [TestMethod]
    public void LoadsTheFixtureConstructorArguments()
    {
        var config = MagNetConfig.Load(Fixtures.ParityA("config.json"));
        // Values as listed in the fixture README's "Configuration" section.
        Assert.AreEqual("official-parity-a", config.Name);
        Assert.AreEqual(96, config.ImageSize);
        Assert.AreEqual(20, config.MaxTokens);
        Assert.IsTrue(config.LanguagePwamQuirk);
        var kw = config.ImageModel.Kwargs;
        Assert.AreEqual(224, kw.PretrainImgSize);
        Assert.AreEqual(4, kw.PatchSize);
        Assert.AreEqual(3, kw.InChans);
        Assert.AreEqual(8, kw.EmbedDim);
        CollectionAssert.AreEqual(new[] { 2, 2, 2, 2 }, kw.Depths);
        CollectionAssert.AreEqual(new[] { 1, 2, 4, 8 }, kw.NumHeads);
        Assert.AreEqual(4, kw.WindowSize);
        Assert.AreEqual(4.0, kw.MlpRatio);
        Assert.IsTrue(kw.QkvBias);
        Assert.IsNull(kw.QkScale);
        Assert.AreEqual(0.3, kw.DropPathRate);
        Assert.IsFalse(kw.Ape);
        Assert.IsTrue(kw.PatchNorm);
        CollectionAssert.AreEqual(new[] { 0, 1, 2, 3 }, kw.OutIndices);
        Assert.AreEqual(-1, kw.FrozenStages);
        CollectionAssert.AreEqual(new[] { 1, 1, 1, 1 }, kw.NumHeadsFusion);
        var bert = config.LanguageModel.Config;
        Assert.AreEqual(30522, bert.VocabSize);
        Assert.AreEqual(16, bert.HiddenSize);
        Assert.AreEqual(4, bert.NumHiddenLayers);
        Assert.AreEqual(2, bert.NumAttentionHeads);
        Assert.AreEqual(32, bert.IntermediateSize);
        Assert.AreEqual(512, bert.MaxPositionEmbeddings);
        Assert.AreEqual(2, bert.TypeVocabSize);
        Assert.AreEqual(1e-12, bert.LayerNormEps);
        Assert.AreEqual("gelu", bert.HiddenAct);
        Assert.AreEqual(8, config.LanguageModel.EmbedDim);
        CollectionAssert.AreEqual(new[] { 1, 2, 3, 4 }, config.LanguageModel.PwamIdx);
        var cfg = config.Classifier.Cfg;
        Assert.AreEqual(4, cfg.CommonStride);
        Assert.AreEqual(8, cfg.NHeads);
        Assert.AreEqual(2, cfg.TransformerEncLayers);
        Assert.AreEqual(64, cfg.ConvsDim);
        Assert.AreEqual(64, cfg.MaskDim);
        Assert.AreEqual(64, cfg.HiddenDim);
        Assert.AreEqual(128, cfg.DimFeedforward);
        Assert.AreEqual(4, cfg.DecLayers);
        Assert.AreEqual(1, cfg.NumClasses);
        Assert.AreEqual(1, cfg.NumObjectQueries);
        Assert.IsFalse(cfg.PreNorm);
        Assert.AreEqual(0.0, cfg.Dropout);
        CollectionAssert.AreEqual(new[] { "s1", "s2", "s3", "s4" }, cfg.DeformableTransformerEncoderInFeatures);
        Assert.AreEqual(32, config.Classifier.InputShape["s4"].Stride);
        Assert.AreEqual(64, config.Classifier.InputShape["s4"].Channel);
    }

    [TestMethod]
    public void ReadsAnyValuesOfTheConstructorFields()
    {
        var root = JsonNode.Parse(File.ReadAllText(Fixtures.ParityA("config.json")))!;
        var kwargs = root["constructor_args"]!["image_model"]!["kwargs"]!;
        kwargs["embed_dim"] = 12;
        kwargs["depths"] = new JsonArray(1, 3, 1, 2);
        kwargs["num_heads"] = new JsonArray(1, 2, 3, 4);
        kwargs["window_size"] = 7;
        kwargs["mlp_ratio"] = 2.5;
        kwargs["qk_scale"] = 0.5;
        kwargs["ape"] = true;
        kwargs["frozen_stages"] = 1;
        var language = root["constructor_args"]!["language_model"]!;
        language["embed_dim"] = 12;
        language["pwam_idx"] = new JsonArray(1, 2, 4, 6);
        language["config"]!["num_hidden_layers"] = 6;
        language["config"]!["hidden_act"] = "relu";
        var classifier = root["constructor_args"]!["classifier"]!;
        classifier["cfg"]!["MODEL.MASK_FORMER.DEC_LAYERS"] = 7;
        for (int i = 0; i < 4; i++) classifier["input_shape"]![$"s{i + 1}"]!["channel"] = 12 << i;
        root["image"]!["height"] = 64;
        root["image"]!["width"] = 64;

        var config = MagNetConfig.FromJson(root.ToJsonString());

        AssertSwin(config.ImageModel.Kwargs, 12, [1, 3, 1, 2], [1, 2, 3, 4], 7);
        Assert.AreEqual(2.5, config.ImageModel.Kwargs.MlpRatio);
        Assert.AreEqual(0.5, config.ImageModel.Kwargs.QkScale);
        Assert.IsTrue(config.ImageModel.Kwargs.Ape);
        Assert.AreEqual(1, config.ImageModel.Kwargs.FrozenStages);
        CollectionAssert.AreEqual(new[] { 1, 2, 4, 6 }, config.LanguageModel.PwamIdx);
        Assert.AreEqual(6, config.LanguageModel.Config.NumHiddenLayers);
        Assert.AreEqual("relu", config.LanguageModel.Config.HiddenAct);
        Assert.AreEqual(7, config.Classifier.Cfg.DecLayers);
        Assert.AreEqual(96, config.Classifier.InputShape["s4"].Channel);
        Assert.AreEqual(64, config.ImageSize);
    }

    [TestMethod]
    public void PixelDecoderFeedForwardWidthDefaultsToTheOfficial1024AndIsConfigurable()
    {
        // The official configuration has no such key: its head hard-codes 1024. MagNet-B keeps it; Tiny narrows it.
        Assert.AreEqual(1024, MagNetConfig.Load(Fixtures.ParityA("config.json")).Classifier.Cfg.TransformerDimFeedforward);
        Assert.AreEqual(1024, MagNetConfig.MagNetB().Classifier.Cfg.TransformerDimFeedforward);
        Assert.AreEqual(256, MagNetConfig.MagNetTiny().Classifier.Cfg.TransformerDimFeedforward);

        var narrow = MagNetConfig.MagNetTiny();
        narrow.Classifier.Cfg.TransformerDimFeedforward = 96;
        narrow = MagNetConfig.FromJson(narrow.ToJson());
        Assert.AreEqual(96, narrow.Classifier.Cfg.TransformerDimFeedforward);
        using var model = new MagNetModel(narrow);
        var weights = model.state_dict();
        const string layer = "classifier.pixel_decoder.transformer.encoder.layers.";
        CollectionAssert.AreEqual(new long[] { 96, 64 }, weights[layer + "0.linear1.weight"].shape);
        CollectionAssert.AreEqual(new long[] { 64, 96 }, weights[layer + "1.linear2.weight"].shape);

        // Counted by hand: linear1 and linear2 of each of Tiny's 2 encoder layers, 64 wide, over all tokens of the
        // four levels at 128² (strides 4, 8, 16, 32), 2 FLOPs per multiply-accumulate.
        const long tokens = 32 * 32 + 16 * 16 + 8 * 8 + 4 * 4;
        const long saved = 2 * 2 * 2 * tokens * 64 * (256 - 96);
        Assert.AreEqual(saved, MagNetFlops.Count(MagNetConfig.MagNetTiny()).Total - MagNetFlops.Count(narrow).Total);
    }

    private static void AssertSwin(ImageModelConfig kw, int embedDim, int[] depths, int[] heads, int window)
    {
        Assert.AreEqual(embedDim, kw.EmbedDim);
        CollectionAssert.AreEqual(depths, kw.Depths);
        CollectionAssert.AreEqual(heads, kw.NumHeads);
        Assert.AreEqual(window, kw.WindowSize);
    }

    [TestMethod]
    public void JsonUsesTheOfficialFieldNamesAndRoundTrips()
    {
        foreach (var preset in new[] { MagNetConfig.MagNetB(), MagNetConfig.MagNetTiny() })
        {
            string json = preset.ToJson();
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            Assert.AreEqual(preset.ImageModel.Kwargs.WindowSize, root.GetProperty("image_model").GetProperty("kwargs").GetProperty("window_size").GetInt32());
            Assert.AreEqual(preset.LanguageModel.Config.HiddenSize, root.GetProperty("language_model").GetProperty("config").GetProperty("hidden_size").GetInt32());
            Assert.AreEqual(preset.Classifier.Cfg.DecLayers, root.GetProperty("classifier").GetProperty("cfg").GetProperty("MODEL.MASK_FORMER.DEC_LAYERS").GetInt32());
            Assert.AreEqual(preset.ImageSize, root.GetProperty("image_size").GetInt32());
            Assert.AreEqual(preset.LanguagePwamQuirk, root.GetProperty("language_pwam_quirk").GetBoolean());
            Assert.AreEqual(json, MagNetConfig.FromJson(json).ToJson());
        }
    }

    [TestMethod]
    public void SavedFileLoadsBack()
    {
        string path = Path.Combine(Path.GetTempPath(), $"magnet-config-{Guid.NewGuid():N}.json");
        try
        {
            var tiny = MagNetConfig.MagNetTiny();
            tiny.Save(path);
            Assert.AreEqual(tiny.ToJson(), MagNetConfig.Load(path).ToJson());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void MagNetBIsTheReleasedConfiguration()
    {
        var b = MagNetConfig.MagNetB();
        b.Validate();
        AssertSwin(b.ImageModel.Kwargs, 128, [2, 2, 18, 2], [4, 8, 16, 32], 12);
        Assert.AreEqual(480, b.ImageSize);
        Assert.AreEqual(0.3, b.ImageModel.Kwargs.DropPathRate);
        Assert.AreEqual(768, b.LanguageModel.Config.HiddenSize);
        Assert.AreEqual(12, b.LanguageModel.Config.NumHiddenLayers);
        Assert.AreEqual(12, b.LanguageModel.Config.NumAttentionHeads);
        Assert.AreEqual(3072, b.LanguageModel.Config.IntermediateSize);
        CollectionAssert.AreEqual(new[] { 3, 6, 9, 12 }, b.LanguageModel.PwamIdx);
        Assert.AreEqual(4, b.Classifier.Cfg.TransformerEncLayers);
        Assert.AreEqual(256, b.Classifier.Cfg.HiddenDim);
        Assert.AreEqual(2048, b.Classifier.Cfg.DimFeedforward);
        Assert.AreEqual(10, b.Classifier.Cfg.DecLayers);
        Assert.AreEqual(8, b.Classifier.Cfg.NHeads);
        Assert.AreEqual(1024, b.Classifier.InputShape["s4"].Channel);
        Assert.IsTrue(b.LanguagePwamQuirk);
    }

    [TestMethod]
    public void MagNetTinyFitsMiniLmAndDividesAt128()
    {
        var tiny = MagNetConfig.MagNetTiny();
        tiny.Validate();
        Assert.AreEqual(128, tiny.ImageSize);
        var kwargs = tiny.ImageModel.Kwargs;
        for (int i = 0; i < 4; i++)
            Assert.AreEqual(0, tiny.ImageSize / kwargs.PatchSize / (1 << i) % kwargs.WindowSize, $"stage {i + 1} map is a whole number of windows");
        var miniLm = MagNet.ML.Modeling.MiniLmWeights.Config();
        Assert.AreEqual(miniLm.HiddenSize, tiny.LanguageModel.Config.HiddenSize);
        Assert.AreEqual(miniLm.NumHiddenLayers, tiny.LanguageModel.Config.NumHiddenLayers);
        Assert.AreEqual(miniLm.NumAttentionHeads, tiny.LanguageModel.Config.NumAttentionHeads);
        Assert.AreEqual(miniLm.IntermediateSize, tiny.LanguageModel.Config.IntermediateSize);
        Assert.IsFalse(tiny.LanguagePwamQuirk);
    }

    [TestMethod]
    [DataRow("pwam_idx_last", "language_model.pwam_idx[3]")]
    [DataRow("pwam_idx_order", "language_model.pwam_idx[2]")]
    [DataRow("pwam_idx_count", "language_model.pwam_idx")]
    [DataRow("swin_heads", "image_model.kwargs.num_heads[1]")]
    [DataRow("bert_heads", "language_model.config.num_attention_heads")]
    [DataRow("embed_mismatch", "language_model.embed_dim")]
    [DataRow("image_size", "image_size")]
    [DataRow("input_shape", "classifier.input_shape.s2")]
    [DataRow("use_checkpoint", "image_model.kwargs.use_checkpoint")]
    [DataRow("depths_count", "image_model.kwargs.depths")]
    [DataRow("drop_rate", "image_model.kwargs.drop_path_rate")]
    [DataRow("hidden_act", "language_model.config.hidden_act")]
    [DataRow("max_tokens", "max_tokens")]
    [DataRow("groupnorm", "classifier.cfg.MODEL.SEM_SEG_HEAD.CONVS_DIM")]
    [DataRow("encoder_ffn", "classifier.cfg.MODEL.SEM_SEG_HEAD.TRANSFORMER_DIM_FEEDFORWARD")]
    public void ValidationNamesTheField(string fault, string field)
    {
        var config = MagNetConfig.MagNetTiny();
        switch (fault)
        {
            case "pwam_idx_last": config.LanguageModel.PwamIdx = [2, 4, 5, 5]; break;
            case "pwam_idx_order": config.LanguageModel.PwamIdx = [2, 4, 4, 6]; break;
            case "pwam_idx_count": config.LanguageModel.PwamIdx = [3, 6]; break;
            case "swin_heads": config.ImageModel.Kwargs.NumHeads = [1, 3, 4, 8]; break;
            case "bert_heads": config.LanguageModel.Config.NumAttentionHeads = 7; break;
            case "embed_mismatch": config.LanguageModel.EmbedDim = 64; break;
            case "image_size": config.ImageSize = 100; break;
            case "input_shape": config.Classifier.InputShape["s2"].Channel = 65; break;
            case "use_checkpoint": config.ImageModel.Kwargs.UseCheckpoint = true; break;
            case "depths_count": config.ImageModel.Kwargs.Depths = [1, 1, 2]; break;
            case "drop_rate": config.ImageModel.Kwargs.DropPathRate = 1.5; break;
            case "hidden_act": config.LanguageModel.Config.HiddenAct = "swish"; break;
            case "max_tokens": config.MaxTokens = 513; break;
            case "groupnorm": config.Classifier.Cfg.ConvsDim = 48; break;
            case "encoder_ffn": config.Classifier.Cfg.TransformerDimFeedforward = 0; break;
        }
        var error = Assert.ThrowsExactly<ArgumentException>(config.Validate);
        StringAssert.Contains(error.Message, field + " ");
    }

    [TestMethod]
    public void LoadReportsTheFileAndTheFault()
    {
        Assert.ThrowsExactly<FileNotFoundException>(() => MagNetConfig.Load(Path.Combine(Path.GetTempPath(), "no-such-magnet-config.json")));
        string path = Path.Combine(Path.GetTempPath(), $"magnet-config-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, "{ \"image_size\": ");
            var broken = Assert.ThrowsExactly<InvalidDataException>(() => MagNetConfig.Load(path));
            StringAssert.Contains(broken.Message, path);

            var tiny = JsonNode.Parse(MagNetConfig.MagNetTiny().ToJson())!;
            tiny["image_model"]!["kwargs"]!["window_size"] = 0;
            File.WriteAllText(path, tiny.ToJsonString());
            var invalid = Assert.ThrowsExactly<InvalidDataException>(() => MagNetConfig.Load(path));
            StringAssert.Contains(invalid.Message, path);
            StringAssert.Contains(invalid.Message, "image_model.kwargs.window_size");

            tiny["image_model"]!["kwargs"]!["window_size"] = 4;
            tiny["image_model"]!["kwargs"]!["depths"] = null;
            File.WriteAllText(path, tiny.ToJsonString());
            var nullArray = Assert.ThrowsExactly<InvalidDataException>(() => MagNetConfig.Load(path));
            StringAssert.Contains(nullArray.Message, "depths");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
