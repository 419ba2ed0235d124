using MagNet.ML.Modeling;
using MagNet.ML.Tests.Modeling;
using Microsoft.ML;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Trainer;

/// <summary>
/// Training MagNet with the ResNet image side: the ImageNet ResNet-18 imported through the trainer's options, its rate
/// scaled or frozen with <see cref="MagNetTrainer.Options.ImageEncoderLearningRateScale"/>, the error when the package
/// file is not there, and the saved model's round trip. Rates are checked with AdamW's first step, whose size per
/// element is lr·|g|/(|g|+ε) ≈ lr whatever the gradient.
/// </summary>
[TestClass]
public sealed class ResNetImageEncoderTrainingTests
{
    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    /// <summary><see cref="TinyConfigs.Model"/> with the ResNet-18 image side (stage widths 64..512, maps 16..2 at 64²), one step.</summary>
    private static MagNetTrainer.Options ResNetOptions()
    {
        var options = TrainingData.Options();
        var config = options.Model;
        config.ImageModel.Type = ImageEncoderKind.ResNet;
        config.ImageModel.Kwargs.EmbedDim = 64;
        config.ImageModel.Kwargs.Depths = [2, 2, 2, 3];
        config.LanguageModel.EmbedDim = 64;
        config.Classifier.InputShape = config.BackboneFeatureShapes();
        options.MaxEpochs = 1;
        options.Seed = 5;
        options.WeightDecay = 0;
        options.ImageEncoderWeightsPath = PackagedResNet18.Path;
        return options;
    }

    private static bool IsCnn(string name) => name.StartsWith("image_model.encoder.", StringComparison.Ordinal);

    /// <summary>The largest |Δw| after one step, of the CNN and of everything else, against the weights the run started from.</summary>
    private static (double Cnn, double Others, Dictionary<string, double> Changes) OneStep(MagNetTrainer.Options options)
    {
        var ml = new MLContext(seed: 1);
        // The run's starting point: the trainer seeds torch with Seed, builds the model and imports the CNN.
        torch.random.manual_seed(options.Seed);
        using var initial = new MagNetModel(options.Model);
        DnnImageFeaturizerResNet18.Load(((MultiModalResNet)initial.ImageModel).Encoder, PackagedResNet18.Path);
        var before = initial.state_dict();
        using var trained = ml.Transforms.ReferringSegmentation(options).Fit(TrainingData.Synthetic(ml, 4));
        using var scope = NewDisposeScope();
        var changes = new Dictionary<string, double>();
        foreach (var (name, after) in trained.Model.state_dict())
            changes[name] = (after.cpu() - before[name]).abs().max().item<float>();
        double Largest(Func<string, bool> which) => changes.Where(c => which(c.Key)).Max(c => c.Value);
        return (Largest(IsCnn), Largest(n => !IsCnn(n)), changes);
    }

    [TestMethod]
    public void ScaleZeroKeepsTheImportedCnnExactlyWhileTheFusionModulesTrain()
    {
        var options = ResNetOptions();
        options.ImageEncoderLearningRateScale = 0;
        var (cnn, others, changes) = OneStep(options);
        Assert.AreEqual(0.0, cnn, "the ImageNet weights and statistics are kept");
        Assert.AreEqual(22 * 5, changes.Keys.Count(IsCnn), "22 convolutions and their norms (weight, bias, mean, variance)");
        Assert.IsGreaterThan(0.5 * options.LearningRate, changes.Where(c => c.Key.StartsWith("image_model.layers.0.fusion.", StringComparison.Ordinal)).Max(c => c.Value));
        Assert.IsGreaterThan(0.5 * options.LearningRate, others);
    }

    [TestMethod]
    public void OneStepMovesTheCnnByTheScaledRateAndTheRestByTheRate()
    {
        var options = ResNetOptions();
        options.ImageEncoderLearningRateScale = 0.25;
        var (cnn, others, _) = OneStep(options);
        double lr = options.LearningRate, scaled = 0.25 * lr;
        // The CNN's norm scales are ~1–5, whose float32 spacing (up to 5e-7) is 0.2 % of the scaled step.
        Assert.IsTrue(cnn > 0.98 * scaled && cnn <= 1.003 * scaled, $"CNN: largest change {cnn:G6}, expected ≈ {scaled:G6}");
        Assert.IsTrue(others > 0.98 * lr && others <= 1.0001 * lr, $"the rest: largest change {others:G6}, expected ≈ {lr:G6}");
    }

    [TestMethod]
    public void WithoutThePackageFileTheErrorSaysWhereItWasLookedForAndWhatToDo()
    {
        var ml = new MLContext(seed: 1);
        var options = ResNetOptions();
        options.ImageEncoderWeightsPath = null;   // the test project does not copy the package's models into its output
        Assert.IsFalse(File.Exists(DnnImageFeaturizerResNet18.DefaultPath), DnnImageFeaturizerResNet18.DefaultPath);
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => ml.Transforms.ReferringSegmentation(options).Fit(TrainingData.Synthetic(ml, 4)));
        StringAssert.Contains(e.Message, "Microsoft.ML.DnnImageFeaturizer.ResNet18");
        StringAssert.Contains(e.Message, DnnImageFeaturizerResNet18.DefaultPath);
        StringAssert.Contains(e.Message, nameof(MagNetTrainer.Options.ImageEncoderWeightsPath));
        StringAssert.Contains(e.Message, nameof(MagNetTrainer.Options.LoadPretrainedImageEncoder));

        options.LoadPretrainedImageEncoder = false;   // random CNN weights: trains without the file
        using var trained = ml.Transforms.ReferringSegmentation(options).Fit(TrainingData.Synthetic(ml, 4));
        Assert.IsInstanceOfType<MultiModalResNet>(trained.Model.ImageModel);
    }

    [TestMethod]
    public void ASavedResNetModelReloadsAndPredictsIdentically()
    {
        var ml = new MLContext(seed: 1);
        using var folder = new TempFolder();
        using var original = ml.Transforms.ReferringSegmentation(ResNetOptions()).Fit(TrainingData.Synthetic(ml, 4));
        original.Save(folder.File("model.zip"));
        using var loaded = MagNetTransformer.Load(ml, folder.File("model.zip"));
        Assert.AreEqual(ImageEncoderKind.ResNet, loaded.Config.ImageModel.Type);
        var data = TrainingData.Synthetic(ml, 3, seed: 21, split: "val");
        TrainedModel.AssertSame(TrainedModel.Read(original.Transform(data)), TrainedModel.Read(loaded.Transform(data)), "loaded ResNet model");
    }
}
