using System.IO.Compression;
using System.Text.Json.Nodes;
using MagNet.ML.Tests.Modeling;
using Microsoft.ML;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Trainer;

/// <summary>The model file: round trip, what it contains, what it refuses; inference from a model or a weights file.</summary>
[TestClass]
public sealed class MagNetModelFileTests
{
    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    private static List<string> Entries(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        return zip.Entries.Select(e => e.FullName).ToList();
    }

    private static JsonNode Header(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        using var stream = zip.GetEntry("header.json")!.Open();
        return JsonNode.Parse(stream)!;
    }

    private static Dictionary<string, long[]> WeightShapes(string path)
    {
        using var folder = new TempFolder();
        using (var zip = ZipFile.OpenRead(path)) zip.GetEntry("weights.safetensors")!.ExtractToFile(folder.File("w.safetensors"));
        return Fixtures.SafetensorsShapes(folder.File("w.safetensors"));
    }

    [TestMethod]
    public void SaveAndLoadGiveIdenticalPredictions()
    {
        var ml = new MLContext(seed: 1);
        using var folder = new TempFolder();
        var data = TrainingData.Synthetic(ml, 4, seed: 21, split: "val");
        var original = TrainedModel.Shared;
        original.Save(folder.File("model.zip"));
        using var loaded = MagNetTransformer.Load(ml, folder.File("model.zip"));
        TrainedModel.AssertSame(TrainedModel.Read(original.Transform(data)), TrainedModel.Read(loaded.Transform(data)), "loaded model");
        Assert.AreEqual(original.Threshold, loaded.Threshold);
        Assert.AreEqual(original.BatchSize, loaded.BatchSize);
        Assert.AreEqual(original.Config.ToJson(), loaded.Config.ToJson());
        Assert.IsFalse(Directory.EnumerateFiles(folder.Path, "*.tmp", SearchOption.AllDirectories).Any(), "no temporary file left");
    }

    [TestMethod]
    public void TheFileHoldsTheHeaderTheInferenceWeightsAndNoVocabularyWhenEmbedded()
    {
        using var folder = new TempFolder();
        TrainedModel.Shared.Save(folder.File("model.zip"));
        CollectionAssert.AreEqual(new[] { "header.json", "weights.safetensors" }, Entries(folder.File("model.zip")));
        var header = Header(folder.File("model.zip"));
        Assert.AreEqual("MagNet.ML.Model", header["format"]!.GetValue<string>());
        Assert.AreEqual(1, header["format_version"]!.GetValue<int>());
        Assert.AreEqual("PredictedMask", header["columns"]!["predicted_mask"]!.GetValue<string>());
        var pre = header["preprocessing"]!;
        Assert.AreEqual(64, pre["image_size"]!.GetValue<int>());
        Assert.AreEqual(8, pre["max_tokens"]!.GetValue<int>());
        Assert.AreEqual(0.229f, pre["std"]![0]!.GetValue<float>());
        Assert.AreEqual(30522, pre["vocabulary_size"]!.GetValue<int>());
        Assert.IsTrue(pre["tokenizer_lowercase"]!.GetValue<bool>());
        // The MD5 of the published bert-base-uncased vocab.txt (the embedded copy is byte-identical to it).
        Assert.AreEqual("64800d5d8528ce344256daf115d4965e", pre["vocabulary_md5"]!.GetValue<string>());
        Assert.AreEqual(0.5f, header["threshold"]!.GetValue<float>());
        Assert.IsTrue(header["config"]!["use_cam"]!.GetValue<bool>());

        var shapes = WeightShapes(folder.File("model.zip"));
        Assert.IsTrue(shapes.Keys.All(k => k.StartsWith("image_model.", StringComparison.Ordinal) || k.StartsWith("language_model.", StringComparison.Ordinal)
            || k.StartsWith("classifier.", StringComparison.Ordinal) || k.StartsWith("lang_proj.", StringComparison.Ordinal)), "only the inference model's names");
        CollectionAssert.AreEquivalent(TrainedModel.Shared.Model.state_dict().Keys.ToList(), shapes.Keys.ToList());
    }

    [TestMethod]
    public void MaskGroundingOnAndOffGiveTheSameFormatKeysAndInference()
    {
        var ml = new MLContext(seed: 1);
        using var folder = new TempFolder();
        using var withMg = TrainedModel.Train(ml, o => o.MaxEpochs = 1);
        using var withoutMg = TrainedModel.Train(ml, o => { o.MaxEpochs = 1; o.UseMaskGrounding = false; });
        withMg.Save(folder.File("mg.zip"));
        withoutMg.Save(folder.File("plain.zip"));

        CollectionAssert.AreEqual(Entries(folder.File("mg.zip")), Entries(folder.File("plain.zip")));
        var mgHeader = Header(folder.File("mg.zip"));
        var plainHeader = Header(folder.File("plain.zip"));
        mgHeader.AsObject().Remove("writer");
        plainHeader.AsObject().Remove("writer");
        Assert.AreEqual(mgHeader.ToJsonString(), plainHeader.ToJsonString(), "identical headers");
        var mgShapes = WeightShapes(folder.File("mg.zip"));
        var plainShapes = WeightShapes(folder.File("plain.zip"));
        CollectionAssert.AreEquivalent(mgShapes.Keys.ToList(), plainShapes.Keys.ToList());
        foreach (var (name, shape) in mgShapes) CollectionAssert.AreEqual(shape, plainShapes[name], name);
        Assert.IsFalse(mgShapes.Keys.Any(k => k.Contains("mask_grounding", StringComparison.OrdinalIgnoreCase)));

        // The same weights give the same predictions whichever way they were trained.
        var weights = withMg.Model.state_dict();
        ModuleWeights.Load(withoutMg.Model, weights, strict: true);
        var data = TrainingData.Synthetic(ml, 3, seed: 22, split: "val");
        TrainedModel.AssertSame(TrainedModel.Read(withMg.Transform(data)), TrainedModel.Read(withoutMg.Transform(data)), "same weights");
    }

    [TestMethod]
    public void LoadRefusesForeignNewerAndCorruptFilesNamingThem()
    {
        var ml = new MLContext(seed: 1);
        using var folder = new TempFolder();
        string good = folder.File("model.zip");
        TrainedModel.Shared.Save(good);

        Assert.ThrowsExactly<FileNotFoundException>(() => MagNetTransformer.Load(ml, folder.File("missing.zip")));

        string text = folder.File("notes.txt");
        File.WriteAllText(text, "not a model");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => MagNetTransformer.Load(ml, text));
        StringAssert.Contains(e.Message, text);
        StringAssert.Contains(e.Message, "not a readable zip");

        // An ML.NET model zip is a zip without our header.
        string mlnet = folder.File("mlnet.zip");
        var empty = ml.Data.LoadFromEnumerable(new[] { new { X = 1f } });
        ml.Model.Save(ml.Transforms.CopyColumns("Y", "X").Fit(empty), empty.Schema, mlnet);
        e = Assert.ThrowsExactly<InvalidDataException>(() => MagNetTransformer.Load(ml, mlnet));
        StringAssert.Contains(e.Message, mlnet);
        StringAssert.Contains(e.Message, "no header.json");

        string newer = folder.File("newer.zip");
        File.Copy(good, newer);
        using (var zip = ZipFile.Open(newer, ZipArchiveMode.Update))
        {
            var header = Header(good);
            header["format_version"] = 2;
            zip.GetEntry("header.json")!.Delete();
            using var stream = zip.CreateEntry("header.json").Open();
            using var writer = new StreamWriter(stream);
            writer.Write(header.ToJsonString());
        }
        e = Assert.ThrowsExactly<InvalidDataException>(() => MagNetTransformer.Load(ml, newer));
        StringAssert.Contains(e.Message, newer);
        StringAssert.Contains(e.Message, "version 2");

        string truncated = folder.File("truncated.zip");
        var bytes = File.ReadAllBytes(good);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        e = Assert.ThrowsExactly<InvalidDataException>(() => MagNetTransformer.Load(ml, truncated));
        StringAssert.Contains(e.Message, truncated);

        string damaged = folder.File("damaged.zip");
        File.Copy(good, damaged);
        using (var zip = ZipFile.Open(damaged, ZipArchiveMode.Update))
        {
            zip.GetEntry("weights.safetensors")!.Delete();
            using var stream = zip.CreateEntry("weights.safetensors").Open();
            stream.Write(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 });
        }
        e = Assert.ThrowsExactly<InvalidDataException>(() => MagNetTransformer.Load(ml, damaged));
        StringAssert.Contains(e.Message, damaged);
        StringAssert.Contains(e.Message, "weights.safetensors");
    }

    [TestMethod]
    public void AUserVocabularyTravelsInTheFile()
    {
        var ml = new MLContext(seed: 1);
        using var folder = new TempFolder();
        // The embedded vocabulary written to a file: a "user" vocabulary with the same ids.
        string vocabulary = folder.File("vocab.txt");
        using (var embedded = BertVocabulary.OpenDefault())
        using (var file = File.Create(vocabulary)) embedded.CopyTo(file);
        using var model = TrainedModel.Train(ml, o => { o.MaxEpochs = 1; o.VocabularyPath = vocabulary; });
        model.Save(folder.File("model.zip"));
        File.Delete(vocabulary);
        CollectionAssert.AreEqual(new[] { "header.json", "weights.safetensors", "vocab.txt" }, Entries(folder.File("model.zip")));
        Assert.AreEqual("vocab.txt", Header(folder.File("model.zip"))["preprocessing"]!["vocabulary"]!.GetValue<string>());
        using var loaded = MagNetTransformer.Load(ml, folder.File("model.zip"));
        Assert.AreEqual(30522, loaded.Tokenizer.VocabularySize);
    }

    [TestMethod]
    public void ApplyReferringSegmentationRunsAModelFileOrAWeightsFileWithItsConfiguration()
    {
        var ml = new MLContext(seed: 1);
        using var folder = new TempFolder();
        var trained = TrainedModel.Shared;
        trained.Save(folder.File("model.zip"));
        Safetensors.SaveStateDict(folder.File("weights.safetensors"), trained.Model.state_dict().ToDictionary(p => p.Key, p => p.Value));
        var data = TrainingData.Synthetic(ml, 3, seed: 23, split: "val");
        var expected = TrainedModel.Read(trained.Transform(data));

        using (var fromModel = ml.Transforms.ApplyReferringSegmentation(folder.File("model.zip")).Fit(data))
            TrainedModel.AssertSame(expected, TrainedModel.Read(fromModel.Transform(data)), "from the model file");
        using (var fromWeights = ml.Transforms.ApplyReferringSegmentation(folder.File("weights.safetensors"), trained.Config, threshold: 0.5f).Fit(data))
            TrainedModel.AssertSame(expected, TrainedModel.Read(fromWeights.Transform(data)), "from the weights and configuration");
        using (var renamed = ml.Transforms.ApplyReferringSegmentation(folder.File("model.zip"), predictedMaskColumnName: "Mask2", scoreColumnName: "Present").Fit(data))
            Assert.IsNotNull(renamed.Transform(data).Schema.GetColumnOrNull("Present"));

        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.ApplyReferringSegmentation(folder.File("weights.safetensors")).Fit(data));
        StringAssert.Contains(e.Message, "configuration");
        Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.ApplyReferringSegmentation(folder.File("model.zip"), trained.Config).Fit(data));
        Assert.ThrowsExactly<FileNotFoundException>(() => ml.Transforms.ApplyReferringSegmentation(folder.File("none.pth"), trained.Config).Fit(data));
        var wrong = TinyConfigs.Model();
        wrong.LangProjDim = 8;
        var mismatch = Assert.ThrowsExactly<InvalidDataException>(() => ml.Transforms.ApplyReferringSegmentation(folder.File("weights.safetensors"), wrong).Fit(data));
        StringAssert.Contains(mismatch.Message, "lang_proj");
    }

    [TestMethod]
    public void AnOfficialCheckpointRunsThroughApplyReferringSegmentation()
    {
        var ml = new MLContext(seed: 1);
        var config = MagNetConfig.Load(Fixtures.ParityA("config.json"));
        using var image = TestImages.Random(96, 96, seed: 6);
        var data = ReferringDatasets.LoadSynthetic(ml, new SyntheticReferringDataset.Options { Size = 96, Count = 1 });
        using var transformer = ml.Transforms.ApplyReferringSegmentation(Fixtures.ParityA("checkpoint.pth"), config).Fit(data);
        var prediction = transformer.Predict(image, "man on the right");

        // The same weights loaded by hand and run through the official post-processing.
        using var model = new ML.Modeling.MagNetModel(config);
        var weights = StateDictFile.Read(Fixtures.ParityA("checkpoint.pth"));
        ModuleWeights.Load(model, weights, strict: true);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (ids, mask) = new ExpressionTokenizer(config.MaxTokens).Encode("man on the right");
        var probability = model.PredictProbability(tensor(new ImageTensorizer(96).Tensorize(image).Pixels, new long[] { 1, 3, 96, 96 }),
            tensor(ids, new long[] { 1, ids.Length }), tensor(mask, new long[] { 1, mask.Length })).reshape(-1).data<float>().ToArray();
        for (int p = 0; p < probability.Length; p++) Assert.AreEqual(probability[p], prediction.Probability[p], 1e-6f, $"pixel {p}");
    }
}
