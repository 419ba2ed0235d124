using MagNet.ML.Modeling;
using Microsoft.ML;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Trainer;

/// <summary>
/// <see cref="MagNetTrainer.Options.TextEncoderLearningRateScale"/>: the BERT part of the text encoder
/// (<c>language_model.embeddings.*</c>, <c>language_model.encoder.*</c>) trains at scale × the learning rate, the rest
/// at the learning rate. Checked with AdamW's first step, whose size per element is lr·|g|/(|g|+ε) ≈ lr whatever the
/// gradient, so the largest change of a group's weights after one step is its own rate.
/// </summary>
[TestClass]
public sealed class TextEncoderLearningRateScaleTests
{
    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    private static bool IsTextEncoder(string name) =>
        name.StartsWith("language_model.embeddings.", StringComparison.Ordinal) || name.StartsWith("language_model.encoder.", StringComparison.Ordinal);

    /// <summary>One AdamW step on 4 rows (batch 4, one epoch); returns the largest |Δw| of the text encoder and of the rest.</summary>
    private static (double Text, double Others, int TextTensors) LargestChanges(double learningRate, double scale, double weightDecay)
    {
        var ml = new MLContext(seed: 1);
        var options = TrainingData.Options();
        options.MaxEpochs = 1;
        options.BatchSize = 4;
        options.LearningRate = learningRate;
        options.TextEncoderLearningRateScale = scale;
        options.WeightDecay = weightDecay;
        options.Seed = 5;

        // The initial weights: the trainer seeds torch with Seed and builds the model (no MiniLM for this width).
        torch.random.manual_seed(options.Seed);
        using var initial = new MagNetModel(options.Model);
        var before = initial.state_dict();

        using var trained = ml.Transforms.ReferringSegmentation(options).Fit(TrainingData.Synthetic(ml, 4));
        double text = 0, rest = 0;
        int textTensors = 0;
        using var scope = NewDisposeScope();
        foreach (var (name, after) in trained.Model.named_parameters())
        {
            double change = (after.detach().cpu() - before[name]).abs().max().item<float>();
            if (IsTextEncoder(name)) { text = Math.Max(text, change); textTensors++; }
            else rest = Math.Max(rest, change);
        }
        return (text, rest, textTensors);
    }

    [TestMethod]
    public void OneStepMovesTheTextEncoderByTheScaledRateAndTheRestByTheRate()
    {
        const double lr = 1e-3, scale = 0.25;
        var (text, rest, tensors) = LargestChanges(lr, scale, weightDecay: 0);
        Assert.IsGreaterThan(10, tensors);
        Assert.IsTrue(text > 0.98 * scale * lr && text <= 1.0001 * scale * lr, $"text encoder: largest change {text:G6}, expected ≈ {scale * lr:G6}");
        Assert.IsTrue(rest > 0.98 * lr && rest <= 1.0001 * lr, $"the rest: largest change {rest:G6}, expected ≈ {lr:G6}");
    }

    [TestMethod]
    public void ScaleZeroLeavesTheTextEncoderExactlyAsInitialisedWhileTheRestTrains()
    {
        var (text, rest, _) = LargestChanges(1e-3, 0.0, weightDecay: 1e-2);
        Assert.AreEqual(0.0, text, "lr 0 and so no decay either");
        Assert.IsGreaterThan(0.5e-3, rest);
    }

    [TestMethod]
    public void ScaleZeroComputesNoGradientForTheTextEncoder()
    {
        var ml = new MLContext(seed: 1);
        var options = TrainingData.Options();
        options.MaxEpochs = 1;
        options.TextEncoderLearningRateScale = 0;
        var withGradient = new List<string>();
        var withoutGradient = new List<string>();
        options.AfterStep = (_, model) =>
        {
            foreach (var (name, parameter) in model.named_parameters())
                (parameter.grad is null ? withoutGradient : withGradient).Add(name);
        };
        using var trained = ml.Transforms.ReferringSegmentation(options).Fit(TrainingData.Synthetic(ml, 4));
        Assert.IsTrue(withoutGradient.Any(IsTextEncoder));
        Assert.IsFalse(withGradient.Any(IsTextEncoder), string.Join(", ", withGradient.Where(IsTextEncoder).Take(5)));
        Assert.IsTrue(withGradient.Any(n => n.StartsWith("language_model.pwams.", StringComparison.Ordinal)), "the text side's fusion modules still train");
    }

    [TestMethod]
    public void ScaleOneIsTheSingleRateRun()
    {
        var (text, rest, _) = LargestChanges(1e-3, 1.0, weightDecay: 0);
        Assert.IsTrue(text > 0.98e-3 && text <= 1.0001e-3, $"text encoder: {text:G6}");
        Assert.IsTrue(rest > 0.98e-3 && rest <= 1.0001e-3, $"the rest: {rest:G6}");
    }

    [TestMethod]
    public void ANegativeOrInfiniteScaleIsRefusedByName()
    {
        var ml = new MLContext(seed: 1);
        foreach (double bad in new[] { -0.1, double.PositiveInfinity, double.NaN })
        {
            var options = TrainingData.Options();
            options.TextEncoderLearningRateScale = bad;
            var e = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.ReferringSegmentation(options).Fit(TrainingData.Synthetic(ml, 4)));
            StringAssert.Contains(e.Message, nameof(MagNetTrainer.Options.TextEncoderLearningRateScale));
        }
    }
}
