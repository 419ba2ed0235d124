using System.Globalization;
using System.Text.Json;
using MagNet.ML;
using Microsoft.ML;
using Microsoft.ML.Data;
using SkiaSharp;

namespace MagNet.Cli.Tests;

/// <summary>
/// <c>magnet train</c>, <c>magnet predict</c> and <c>magnet evaluate --model</c> on a tiny synthetic set with a tiny
/// model: training writes a model file, the file predicts in a new process exactly what the trained transformer
/// predicts, evaluation writes masks by row id and scores them as computed here by hand, and bad arguments fail with
/// messages that name the fault.
/// </summary>
[TestClass]
public sealed class TrainPredictCommandTests
{
    private static string _root = "";
    private static string _data = "";
    private static string _config = "";
    private static string _model = "";
    private static (int Exit, string Output, string Error) _train;

    [ClassInitialize]
    public static void TrainOnce(TestContext context)
    {
        TorchSharp.torch.set_num_threads(1);
        _root = TrainPredictFixture.NewFolder("train-predict");
        string dataFolder = Path.Combine(_root, "data");
        var synth = TrainPredictFixture.Run("synth", "--out", dataFolder, "--count", "8", "--seed", "3", "--size", "64", "--split", "train,val");
        Assert.AreEqual(0, synth.Exit, synth.Error);
        _data = Path.Combine(dataFolder, "data.jsonl");
        _config = Path.Combine(_root, "tiny.json");
        TrainPredictFixture.TinyModel().Save(_config);
        _model = Path.Combine(_root, "out", "model.zip");
        _train = TrainPredictFixture.Run("train", "--data", _data, "--config", _config, "--out", _model, "--epochs", "1",
            "--batch-size", "4", "--lr", "1e-3", "--threads", "1", "--train-split", "train", "--val-split", "val");
    }

    [ClassCleanup]
    public static void DeleteFolder()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [TestMethod]
    public void TrainForOneEpochWritesAModelFileThatLoads()
    {
        Assert.AreEqual(0, _train.Exit, _train.Error);
        StringAssert.Contains(_train.Output, "on 8 rows (validation 8 rows), 1 epochs of batch 4");
        StringAssert.Contains(_train.Output, "epoch 1: validation oIoU");
        StringAssert.Contains(_train.Output, "Saved the model to");
        Assert.DoesNotContain("\r", _train.Output, "no progress bar when the output is not a terminal");
        Assert.IsTrue(File.Exists(_model));
        using var model = MagNetTransformer.Load(new MLContext(1), _model);
        Assert.AreEqual("cli-test-tiny", model.Config.Name);
        Assert.AreEqual(64, model.Config.ImageSize);
        Assert.IsTrue(model.Config.UseCam);
    }

    [TestMethod]
    public void SwitchesReachTheTrainedModel()
    {
        string model = Path.Combine(_root, "switches", "model.zip");
        var run = TrainPredictFixture.Run("train", "--data", _data, "--config", _config, "--out", model, "--epochs", "1",
            "--batch-size", "8", "--threads", "1", "--train-split", "train", "--no-cam", "--no-mask-grounding", "--no-cal",
            "--mask-loss", "GroundTruthResolution");
        Assert.AreEqual(0, run.Exit, run.Error);
        Assert.DoesNotContain("validation", run.Output);
        using var loaded = MagNetTransformer.Load(new MLContext(1), model);
        Assert.IsFalse(loaded.Config.UseCam);
    }

    [TestMethod]
    public void UnknownMaskLossIsAnErrorNamingTheOption()
    {
        var run = TrainPredictFixture.Run("train", "--data", _data, "--config", _config, "--out", Path.Combine(_root, "never.zip"),
            "--mask-loss", "edges");
        Assert.AreEqual(1, run.Exit);
        StringAssert.Contains(run.Error, "--mask-loss");
        Assert.IsFalse(File.Exists(Path.Combine(_root, "never.zip")));
    }

    [TestMethod]
    public void SavedModelPredictsInANewProcessExactlyWhatTheTrainedTransformerPredicts()
    {
        var ml = new MLContext(1);
        var rows = ReferringDatasets.ReadJsonl(_data).Where(r => r.Split == "train").ToList();
        var options = new MagNetTrainer.Options
        {
            Model = TrainPredictFixture.TinyModel(), MaxEpochs = 1, BatchSize = 4, LearningRate = 1e-3, NumberOfThreads = 1,
        };
        using var trained = ml.Transforms.ReferringSegmentation(options).Fit(ReferringDatasets.FromRecords(ml, rows));
        string modelPath = Path.Combine(_root, "api-model.zip");
        trained.Save(modelPath);

        // A PNG of the training size and a non-square JPEG, which the model resizes to 64² and back.
        string png = Path.Combine(_root, "data", rows[0].ImagePath!);
        string jpeg = Path.Combine(_root, "picture.jpg");
        using (var source = SKBitmap.Decode(Path.Combine(_root, "data", rows[1].ImagePath!)))
        using (var resized = source.Resize(new SKImageInfo(90, 70), SKFilterQuality.Medium))
        using (var encoded = resized.Encode(SKEncodedImageFormat.Jpeg, 90))
        using (var file = File.Create(jpeg))
            encoded.SaveTo(file);

        foreach (var (image, text) in new[] { (png, rows[0].Expression), (jpeg, "the large blue circle") })
        {
            string overlay = Path.ChangeExtension(image, ".overlay.png"), maskPath = Path.ChangeExtension(image, ".mask.png");
            var child = TrainPredictFixture.RunInNewProcess("predict", "--model", modelPath, "--image", image, "--text", text,
                "--out", overlay, "--mask", maskPath, "--threads", "1");
            Assert.AreEqual(0, child.Exit, child.Error);

            using var picture = MLImage.CreateFromFile(image);
            var expected = trained.Predict(picture, text);
            var mask = BinaryMask.LoadImage(maskPath);
            Assert.AreEqual(picture.Width, mask.Width);
            Assert.AreEqual(picture.Height, mask.Height);
            CollectionAssert.AreEqual(expected.Mask.Data, mask.Data, $"mask of {image}");
            string scoreLine = child.Output.Split('\n').Single(l => l.StartsWith("score ", StringComparison.Ordinal));
            Assert.AreEqual(expected.Score, float.Parse(scoreLine["score ".Length..], CultureInfo.InvariantCulture), $"score of {image}");
            StringAssert.Contains(child.Output, $"mask {expected.Mask.Data.Count(b => b != 0)} of {picture.Width * picture.Height} pixels");

            using var drawn = SKBitmap.Decode(overlay);
            Assert.AreEqual(picture.Width, drawn.Width);
            Assert.IsGreaterThan(picture.Height, drawn.Height, "the caption bar is under the image");
        }
    }

    [TestMethod]
    public void EvaluateWithAModelWritesMasksByRowIdAndScoresThemAsComputedByHand()
    {
        Assert.AreEqual(0, _train.Exit, _train.Error);
        string predictions = Path.Combine(_root, "eval-pred"), json = Path.Combine(_root, "eval.json");
        var run = TrainPredictFixture.Run("evaluate", "--model", _model, "--data", _data, "--split", "val", "--pred-out", predictions,
            "--json", json, "--threads", "1");
        Assert.AreEqual(0, run.Exit, run.Error);

        var rows = ReferringDatasets.ReadJsonl(_data).Where(r => r.Split == "val").ToList();
        using var model = MagNetTransformer.Load(new MLContext(1), _model);
        long sumI = 0, sumU = 0;
        var perTemplate = new Dictionary<string, (long I, long U)>();
        foreach (var row in rows)
        {
            var written = BinaryMask.LoadImage(Path.Combine(predictions, row.Id + ".png"));
            using var image = row.LoadImage();
            CollectionAssert.AreEqual(model.Predict(image, row.Expression).Mask.Data, written.Data, row.Id);
            var truth = BinaryMask.LoadImage(Path.Combine(_root, "data", "masks", row.Id + ".png"));
            long i = 0, u = 0;
            for (int k = 0; k < truth.Data.Length; k++)
            {
                if (truth.Data[k] != 0 && written.Data[k] != 0) i++;
                if (truth.Data[k] != 0 || written.Data[k] != 0) u++;
            }
            sumI += i;
            sumU += u;
            string template = row.Extras["template"];
            var (ti, tu) = perTemplate.GetValueOrDefault(template);
            perTemplate[template] = (ti + i, tu + u);
        }
        Assert.HasCount(rows.Count, Directory.GetFiles(predictions, "*.png"));

        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var root = document.RootElement;
        Assert.AreEqual(rows.Count, root.GetProperty("count").GetInt32());
        Assert.AreEqual(sumI, root.GetProperty("cumI").GetInt64());
        Assert.AreEqual(sumU, root.GetProperty("cumU").GetInt64());
        var groups = root.GetProperty("groups");
        CollectionAssert.AreEquivalent(perTemplate.Keys.ToList(), groups.EnumerateObject().Select(g => g.Name).ToList());
        foreach (var (template, (i, u)) in perTemplate)
        {
            Assert.AreEqual(i, groups.GetProperty(template).GetProperty("cumI").GetInt64(), template);
            Assert.AreEqual(u, groups.GetProperty(template).GetProperty("cumU").GetInt64(), template);
        }
        StringAssert.Contains(run.Output, "Per template");
        StringAssert.Contains(run.Output, "oIoU");
    }

    [TestMethod]
    public void BadArgumentsGiveErrorsThatNameTheFault()
    {
        string missing = Path.Combine(_root, "nowhere", "data.jsonl");
        string notAnImage = Path.Combine(_root, "not-an-image.png");
        File.WriteAllText(notAnImage, "plain text");
        string notAModel = Path.Combine(_root, "not-a-model.zip");
        File.WriteAllText(notAModel, "plain text");
        string output = Path.Combine(_root, "bad", "m.zip");
        string image = Path.Combine(_root, "data", "images", "train-000000.png");
        var cases = new (string[] Args, string Expected)[]
        {
            (["train", "--data", missing, "--out", output], missing),
            (["train", "--data", _data, "--out", output, "--epochs", "0"], "--epochs"),
            (["train", "--data", _data, "--out", output, "--lr", "-1"], "--lr"),
            (["train", "--data", _data, "--out", output, "--val", _data, "--val-split", "val"], "at most one of --val and --val-split"),
            (["train", "--data", _data, "--out", output, "--val-split", "test-rare"], "no rows of split 'test-rare'; its splits are: train, val"),
            (["train", "--data", _data, "--out", output, "--preset", "MagNet-Huge"], "unknown preset 'MagNet-Huge'"),
            (["predict", "--model", _model, "--image", Path.Combine(_root, "none.png"), "--text", "x", "--out", Path.Combine(_root, "o.png")], "none.png"),
            (["predict", "--model", _model, "--image", notAnImage, "--text", "x", "--out", Path.Combine(_root, "o.png")], "not-an-image.png"),
            (["predict", "--model", notAModel, "--image", image, "--text", "x", "--out", Path.Combine(_root, "o.png")], "not-a-model.zip"),
            (["predict", "--model", _model, "--image", image, "--text", " ", "--out", Path.Combine(_root, "o.png")], "--text"),
            (["evaluate", "--model", _model, "--gt", _root, "--pred", _root], "either --gt DIR and --pred DIR, or --model"),
            (["evaluate", "--model", _model, "--data", _data], "--pred-out is missing"),
            (["evaluate", "--model", _model, "--data", _data, "--split", "nope", "--pred-out", Path.Combine(_root, "p")], "no rows of split 'nope'"),
        };
        foreach (var (args, expected) in cases)
        {
            var run = TrainPredictFixture.Run(args);
            Assert.AreEqual(1, run.Exit, $"{string.Join(' ', args)}: {run.Output}{run.Error}");
            StringAssert.StartsWith(run.Error, "magnet: error: ", string.Join(' ', args));
            StringAssert.Contains(run.Error, expected, string.Join(' ', args));
        }
        Assert.IsFalse(File.Exists(output), "no model is written by a failed run");
    }
}
