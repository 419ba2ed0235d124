using MagNet.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Training;

[TestClass]
public sealed class CrossModalAlignmentLossTests
{
    [TestInitialize]
    public void SingleThread() => torch.set_num_threads(1);

    /// <summary>
    /// A 2×2 map of 2-d features: foreground (top row) f1 = (3,0) → (1,0), f2 = (3,4) → (0.6,0.8); background (bottom
    /// row) f3 = (0,−2) → (0,−1), f4 = (−0.5,0) → (−1,0). The ground truth is 4×4 (top half foreground), so the
    /// nearest resize to 2×2 is exercised. The sentence (2,0) normalises to t = (1,0).
    /// </summary>
    private static (Tensor Features, Tensor Mask, Tensor Sentence) HandExample()
    {
        var features = tensor(new float[] { 3, 3, 0, -0.5f,   /* channel 0, row-major */
                                            0, 4, -2, 0 },    /* channel 1 */ new long[] { 1, 2, 2, 2 });
        var mask = tensor(new float[] { 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0 }, new long[] { 1, 4, 4 });
        var sentence = tensor(new float[] { 2, 0 }, new long[] { 1, 2 });
        return (features, mask, sentence);
    }

    // Dot products of the unit vectors: f1·f2 = 0.6, f1·f3 = 0, f1·f4 = −1, f2·f3 = −0.8, f2·f4 = −0.6, f3·f4 = 0.
    // With τ₊ = τ₋ = 0.5 the exponents are twice these.
    // L_pos, anchor f1: −log[e^1.2 / (e^1.2 + e^0 + e^−2)];  anchor f2: −log[e^1.2 / (e^1.2 + e^−1.6 + e^−1.2)].
    private static readonly double ExpectedPositive =
        (Math.Log(Math.Exp(1.2) + 1 + Math.Exp(-2)) - 1.2 + Math.Log(Math.Exp(1.2) + Math.Exp(-1.6) + Math.Exp(-1.2)) - 1.2) / 2;

    // L_neg, anchor f3: −log[e^0 / (e^0 + e^0 + e^−1.6)] = log(2 + e^−1.6);
    //        anchor f4: −log[e^0 / (e^0 + e^−2 + e^−1.2)] = log(1 + e^−2 + e^−1.2).
    private static readonly double ExpectedNegative =
        (Math.Log(2 + Math.Exp(-1.6)) + Math.Log(1 + Math.Exp(-2) + Math.Exp(-1.2))) / 2;

    // L_lang with τ_l = 1: f·t = 1, 0.6 (foreground), 0, −1 (background); Σ_N e^{f_n·t} = 1 + e^−1.
    // anchor f1: log(e^1 + 1 + e^−1) − 1;  anchor f2: log(e^0.6 + 1 + e^−1) − 0.6.
    private static readonly double ExpectedLanguage =
        (Math.Log(Math.E + 1 + Math.Exp(-1)) - 1 + Math.Log(Math.Exp(0.6) + 1 + Math.Exp(-1)) - 0.6) / 2;

    private static CrossModalAlignmentLoss HandLoss() => new(new CrossModalAlignmentLossOptions
    {
        PositiveTemperature = 0.5, NegativeTemperature = 0.5, LanguageTemperature = 1.0,
        PositiveWeight = 0.5, NegativeWeight = 0.25, LanguageWeight = 2.0,
    });

    [TestMethod]
    public void TwoPositiveAndTwoNegativePixelsMatchHandArithmetic()
    {
        using var scope = NewDisposeScope();
        var (features, mask, sentence) = HandExample();
        var result = HandLoss().Compute(features, mask, sentence);

        Assert.AreEqual(ExpectedPositive, result.Positive.item<float>(), 1e-5);
        Assert.AreEqual(ExpectedNegative, result.Negative.item<float>(), 1e-5);
        Assert.AreEqual(ExpectedLanguage, result.Language.item<float>(), 1e-5);
        Assert.AreEqual(0.5 * ExpectedPositive + 0.25 * ExpectedNegative + 2.0 * ExpectedLanguage, result.Total.item<float>(), 1e-5);
        Assert.AreEqual(2L, result.PositivePixels);
        Assert.AreEqual(2L, result.NegativePixels);
    }

    [TestMethod]
    public void ImagesWithoutContrastAreLeftOutOfTheTermsTheyCannotForm()
    {
        using var scope = NewDisposeScope();
        var (features, mask, sentence) = HandExample();
        // Image 1 is all background: it can form no term (each needs a foreground pixel), so the batch values must
        // equal image 0's alone rather than be halved by a zero.
        var batchFeatures = cat(new[] { features, randn(1, 2, 2, 2) }, 0);
        var batchMask = cat(new[] { mask, zeros(1, 4, 4) }, 0);
        var batchSentence = cat(new[] { sentence, randn(1, 2) }, 0);

        var result = HandLoss().Compute(batchFeatures, batchMask, batchSentence);

        Assert.AreEqual(ExpectedPositive, result.Positive.item<float>(), 1e-5);
        Assert.AreEqual(ExpectedNegative, result.Negative.item<float>(), 1e-5);
        Assert.AreEqual(ExpectedLanguage, result.Language.item<float>(), 1e-5);
        Assert.AreEqual(2L, result.PositivePixels);
        Assert.AreEqual(6L, result.NegativePixels);
    }

    [TestMethod]
    public void ABatchThatCannotFormAnyTermGivesZeroWithAWorkingBackward()
    {
        using var scope = NewDisposeScope();
        // One foreground pixel and three background: L_pos needs two foreground pixels, so only L_pos is missing.
        var features = randn(1, 3, 2, 2).requires_grad_();
        var oneForeground = tensor(new float[] { 1, 0, 0, 0 }, new long[] { 1, 2, 2 });
        var partial = new CrossModalAlignmentLoss().Compute(features, oneForeground, randn(1, 3));
        Assert.AreEqual(0f, partial.Positive.item<float>());
        Assert.IsTrue(partial.Negative.item<float>() > 0 && partial.Language.item<float>() > 0);

        var allForeground = new CrossModalAlignmentLoss().Compute(features, ones(1, 2, 2), randn(1, 3));
        Assert.AreEqual(0f, allForeground.Total.item<float>());
        allForeground.Total.backward();
        Assert.IsTrue(features.grad!.eq(0).all().item<bool>());
    }

    [TestMethod]
    public void PixelSamplingCapsThePixelsOfEachSet()
    {
        using var scope = NewDisposeScope();
        // 16×16 maps, 100 foreground pixels (a 10×10 square) and 156 background, two images.
        var mask = zeros(2, 16, 16);
        mask[TensorIndex.Colon, TensorIndex.Slice(0, 10), TensorIndex.Slice(0, 10)] = ones(2, 10, 10);
        var features = randn(2, 4, 16, 16);
        var sentence = randn(2, 4);

        var capped = new CrossModalAlignmentLoss(new CrossModalAlignmentLossOptions { MaxPixelsPerSet = 10 })
            .Compute(features, mask, sentence, new Generator(1));
        var uncapped = new CrossModalAlignmentLoss(new CrossModalAlignmentLossOptions { MaxPixelsPerSet = 0 })
            .Compute(features, mask, sentence, new Generator(1));
        var capAboveCounts = new CrossModalAlignmentLoss(new CrossModalAlignmentLossOptions { MaxPixelsPerSet = 1000 })
            .Compute(features, mask, sentence, new Generator(1));

        Assert.AreEqual(20L, capped.PositivePixels);
        Assert.AreEqual(20L, capped.NegativePixels);
        Assert.AreEqual(200L, uncapped.PositivePixels);
        Assert.AreEqual(312L, uncapped.NegativePixels);
        Assert.AreEqual(uncapped.Total.item<float>(), capAboveCounts.Total.item<float>(), 1e-6);
        Assert.AreNotEqual(uncapped.Total.item<float>(), capped.Total.item<float>());
    }

    [TestMethod]
    public void SameGeneratorSeedGivesTheSameSample()
    {
        using var scope = NewDisposeScope();
        var mask = (rand(2, 12, 12) > 0.5).to_type(ScalarType.Float32);
        var features = randn(2, 4, 12, 12);
        var sentence = randn(2, 4);
        var loss = new CrossModalAlignmentLoss(new CrossModalAlignmentLossOptions { MaxPixelsPerSet = 8 });

        float first = loss.Compute(features, mask, sentence, new Generator(5)).Total.item<float>();
        float second = loss.Compute(features, mask, sentence, new Generator(5)).Total.item<float>();
        float other = loss.Compute(features, mask, sentence, new Generator(6)).Total.item<float>();

        Assert.AreEqual(first, second);
        Assert.AreNotEqual(first, other);
    }

    [TestMethod]
    public void GradientsAreFiniteAndReachFeaturesAndSentence()
    {
        using var scope = NewDisposeScope();
        var features = randn(3, 8, 10, 10).requires_grad_();
        var sentence = randn(3, 8).requires_grad_();
        var mask = zeros(3, 40, 40);
        mask[0, TensorIndex.Slice(0, 20)] = ones(20, 40);
        mask[1, TensorIndex.Slice(5, 35), TensorIndex.Slice(10, 30)] = ones(30, 20);
        var result = new CrossModalAlignmentLoss().Compute(features, mask, sentence, new Generator(2));
        result.Total.backward();

        Assert.IsTrue(float.IsFinite(result.Total.item<float>()));
        Assert.IsTrue(features.grad!.isfinite().all().item<bool>() && features.grad.abs().sum().item<float>() > 0);
        Assert.IsTrue(sentence.grad!.isfinite().all().item<bool>() && sentence.grad.abs().sum().item<float>() > 0);
    }

    [TestMethod]
    public void RejectsMismatchedShapesAndBadTemperatures()
    {
        using var scope = NewDisposeScope();
        var loss = new CrossModalAlignmentLoss();
        Assert.ThrowsExactly<ArgumentException>(() => loss.Compute(randn(1, 4, 2, 2), zeros(1, 2, 2), randn(1, 5)));
        Assert.ThrowsExactly<ArgumentException>(() => loss.Compute(randn(1, 4, 2, 2), zeros(2, 2, 2), randn(1, 4)));
        Assert.ThrowsExactly<ArgumentException>(() => loss.Compute(randn(4, 2, 2), zeros(1, 2, 2), randn(1, 4)));
        Assert.ThrowsExactly<ArgumentException>(() => new CrossModalAlignmentLoss(new CrossModalAlignmentLossOptions { LanguageTemperature = 0 }));
    }
}
