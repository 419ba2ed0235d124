using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MagNet.ML.Training;

/// <summary>
/// Cross-modal Alignment Loss (CAL, MagNet's "PLIC"): pixel-to-pixel and pixel-to-text contrastive alignment on the
/// pixel decoder's <c>mask_features</c>. The formulas are a RECONSTRUCTION (MAGNET-SPEC §4.2); only the three terms,
/// their temperatures and weights are verified.
/// </summary>
/// <remarks>
/// <para>Per image, f are the L2-normalised feature vectors of the map's pixels, P and N the foreground and
/// background pixels of the ground truth resized (nearest) to the map, each sampled down to
/// <see cref="CrossModalAlignmentLossOptions.MaxPixelsPerSet"/>, t the L2-normalised sentence feature:</para>
/// <list type="bullet">
/// <item>L_pos = mean_{i∈P} −log[ Σ_{p∈P\i} e^{f_i·f_p/τ₊} / Σ_{k∈P∪N, k≠i} e^{f_i·f_k/τ₊} ] (SupCon form);</item>
/// <item>L_neg: the same with P and N swapped and τ₋;</item>
/// <item>L_lang = mean_{i∈P} −log[ e^{f_i·t/τ_l} / (e^{f_i·t/τ_l} + Σ_{n∈N} e^{f_n·t/τ_l}) ] (InfoNCE);</item>
/// <item>Total = w₊·L_pos + w₋·L_neg + w_l·L_lang.</item>
/// </list>
/// <para>A term is formed for an image only when it has a contrast: L_pos needs ≥ 2 foreground and ≥ 1 background
/// pixels, L_neg ≥ 2 background and ≥ 1 foreground, L_lang ≥ 1 of each. An image that cannot form a term contributes
/// nothing to it (it is left out of that term's mean over images, so empty or full masks do not dilute the batch);
/// a term no image can form is 0, still connected to the graph so backward works.</para>
/// </remarks>
public sealed class CrossModalAlignmentLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="options">Settings; null takes the defaults. Validated here.</param>
    public CrossModalAlignmentLoss(CrossModalAlignmentLossOptions? options = null)
    {
        Options = options ?? new CrossModalAlignmentLossOptions();
        Options.Validate();
    }

    /// <summary>The settings in use.</summary>
    public CrossModalAlignmentLossOptions Options { get; }

    /// <summary>Computes the loss for a batch.</summary>
    /// <param name="maskFeatures">Pixel decoder mask features [B,D,h,w].</param>
    /// <param name="gtMask">Ground truth [B,H,W] (0/1, any numeric type); resized to h×w with nearest inside.</param>
    /// <param name="sentenceFeature">Sentence feature already projected to D (by <c>lang_proj</c>) [B,D].</param>
    /// <param name="generator">Generator for pixel sampling (draws are made on its device); null uses torch's default.</param>
    /// <exception cref="ArgumentException">A shape does not match.</exception>
    public CrossModalAlignmentLossResult Compute(Tensor maskFeatures, Tensor gtMask, Tensor sentenceFeature, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(maskFeatures);
        ArgumentNullException.ThrowIfNull(gtMask);
        ArgumentNullException.ThrowIfNull(sentenceFeature);
        if (maskFeatures.dim() != 4)
            throw new ArgumentException($"maskFeatures must have shape [B,D,h,w]; got {Shape(maskFeatures)}.", nameof(maskFeatures));
        long b = maskFeatures.shape[0], d = maskFeatures.shape[1], h = maskFeatures.shape[2], w = maskFeatures.shape[3];
        if (gtMask.dim() != 3 || gtMask.shape[0] != b)
            throw new ArgumentException($"gtMask must have shape [{b},H,W]; got {Shape(gtMask)}.", nameof(gtMask));
        if (sentenceFeature.dim() != 2 || sentenceFeature.shape[0] != b || sentenceFeature.shape[1] != d)
            throw new ArgumentException($"sentenceFeature must have shape [{b},{d}] (projected to the mask-feature width); got {Shape(sentenceFeature)}.", nameof(sentenceFeature));

        using var scope = NewDisposeScope();
        var foreground = F.interpolate(gtMask.unsqueeze(1).to_type(ScalarType.Float32), new[] { h, w }, mode: InterpolationMode.Nearest)
            .view(b, h * w).gt(0.5).to(maskFeatures.device);
        var pixels = maskFeatures.flatten(2).transpose(1, 2);                        // [B,hw,D]
        var text = F.normalize(sentenceFeature, dim: 1);

        var positiveTerms = new List<Tensor>();
        var negativeTerms = new List<Tensor>();
        var languageTerms = new List<Tensor>();
        long positivePixels = 0, negativePixels = 0;
        for (long i = 0; i < b; i++)
        {
            var isForeground = foreground[i];
            var positiveIndex = Sample(isForeground.nonzero().squeeze(1), generator);
            var negativeIndex = Sample(isForeground.logical_not().nonzero().squeeze(1), generator);
            var image = pixels[i];
            var fp = F.normalize(image.index_select(0, positiveIndex), dim: 1);
            var fn = F.normalize(image.index_select(0, negativeIndex), dim: 1);
            long p = fp.shape[0], n = fn.shape[0];
            positivePixels += p;
            negativePixels += n;
            if (p >= 2 && n >= 1) positiveTerms.Add(SupervisedContrastive(fp, fn, Options.PositiveTemperature));
            if (n >= 2 && p >= 1) negativeTerms.Add(SupervisedContrastive(fn, fp, Options.NegativeTemperature));
            if (p >= 1 && n >= 1) languageTerms.Add(PixelLanguage(fp, fn, text[i], Options.LanguageTemperature));
        }

        // A term no image can form is 0, still connected to the features so backward works; each is its own tensor.
        Tensor MeanOrZero(List<Tensor> terms) => terms.Count > 0 ? stack(terms).mean() : maskFeatures.sum().mul(0.0);
        var positive = MeanOrZero(positiveTerms);
        var negative = MeanOrZero(negativeTerms);
        var language = MeanOrZero(languageTerms);
        var total = positive.mul(Options.PositiveWeight) + negative.mul(Options.NegativeWeight) + language.mul(Options.LanguageWeight);
        return new CrossModalAlignmentLossResult(total.MoveToOuterDisposeScope(), positive.MoveToOuterDisposeScope(),
            negative.MoveToOuterDisposeScope(), language.MoveToOuterDisposeScope(), positivePixels, negativePixels);
    }

    /// <summary>
    /// mean over anchors a_i of −log[ Σ_{j≠i} e^{a_i·a_j/τ} / (Σ_{j≠i} e^{a_i·a_j/τ} + Σ_k e^{a_i·o_k/τ}) ], computed
    /// as logsumexp(all but self) − logsumexp(same-set but self).
    /// </summary>
    private static Tensor SupervisedContrastive(Tensor anchors, Tensor others, double temperature)
    {
        long p = anchors.shape[0];
        var all = cat(new[] { anchors, others }, 0);
        var self = eye(p, all.shape[0], ScalarType.Bool, anchors.device);
        var similarity = anchors.matmul(all.t()).div(temperature).masked_fill(self, double.NegativeInfinity);
        var sameSet = similarity.narrow(1, 0, p).logsumexp(1);
        var everything = similarity.logsumexp(1);
        return (everything - sameSet).mean();
    }

    /// <summary>mean over foreground f_i of log(e^{f_i·t/τ} + Σ_n e^{f_n·t/τ}) − f_i·t/τ.</summary>
    private static Tensor PixelLanguage(Tensor positives, Tensor negatives, Tensor text, double temperature)
    {
        var positiveLogits = positives.mv(text).div(temperature);
        var negativeLogits = negatives.mv(text).div(temperature);
        var negativeSum = negativeLogits.logsumexp(0);
        return (positiveLogits.logaddexp(negativeSum) - positiveLogits).mean();
    }

    private Tensor Sample(Tensor indices, Generator? generator)
    {
        long count = indices.shape[0];
        int cap = Options.MaxPixelsPerSet;
        if (cap <= 0 || count <= cap) return indices;
        var order = randperm(count, ScalarType.Int64, generator?.device, generator: generator).narrow(0, 0, cap).to(indices.device);
        return indices.index_select(0, order);
    }

    private static string Shape(Tensor t) => "[" + string.Join(",", t.shape) + "]";
}
