using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Training;

/// <summary>
/// Random token masking for Mask Grounding, following the rule the MagNet author points to (ovr-cnn's
/// <c>word_embedding.py</c>, MAGNET-SPEC §4.1): special and pad tokens are never selected; every other token is
/// selected with probability <see cref="MaskProbability"/>; a selected token becomes [MASK] with probability
/// <see cref="ReplaceWithMaskProbability"/>, a uniformly random vocabulary id with probability
/// <see cref="ReplaceWithRandomProbability"/>, and otherwise keeps its id. The targets hold the original id at the
/// selected positions and <see cref="IgnoreIndex"/> elsewhere.
/// </summary>
/// <remarks>
/// <para>A token is <em>eligible</em> when its attention-mask entry is non-zero and its id is none of
/// <see cref="ClsTokenId"/>, <see cref="SepTokenId"/>, <see cref="PadTokenId"/> and <see cref="MaskTokenId"/>.</para>
/// <para><see cref="EnsureAtLeastOne"/> (default true) is this package's addition, not part of ovr-cnn: with 15 %
/// selection a sentence of five words has no selected token 44 % of the time (0.85⁵), and gives Mask Grounding
/// nothing to learn from. When a sentence with at least one eligible token has none selected, one eligible token is
/// chosen uniformly at random and selected; it then goes through the same replace/keep draw as any selected token.
/// With it on, the selected fraction is slightly above <see cref="MaskProbability"/>.</para>
/// <para>Random replacements are drawn uniformly from [0, <see cref="VocabularySize"/>), as BERT does (so they can,
/// rarely, be a special id). The result is a function of the inputs and the generator's state only: the same
/// generator seed gives the same masking.</para>
/// </remarks>
public sealed class TokenMasking
{
    /// <summary>Target value at positions that are not selected (the cross-entropy ignore index).</summary>
    public const long IgnoreIndex = -1;

    /// <summary>Probability that an eligible token is selected for prediction. Default 0.15 (ovr-cnn <c>MLM_PROB</c>).</summary>
    public double MaskProbability { get; init; } = 0.15;

    /// <summary>Probability that a selected token is replaced by [MASK]. Default 0.9 (ovr-cnn <c>PROB_MASK</c>).</summary>
    public double ReplaceWithMaskProbability { get; init; } = 0.9;

    /// <summary>Probability that a selected token is replaced by a random vocabulary id. Default 0.0 (ovr-cnn
    /// <c>PROB_NOISE</c>). The rest of the selected tokens keep their id.</summary>
    public double ReplaceWithRandomProbability { get; init; } = 0.0;

    /// <summary>Select one random eligible token in a sentence that would otherwise have none. Default true.</summary>
    public bool EnsureAtLeastOne { get; init; } = true;

    /// <summary>Id of [CLS]. Default 101 (bert-base-uncased).</summary>
    public long ClsTokenId { get; init; } = 101;

    /// <summary>Id of [SEP]. Default 102.</summary>
    public long SepTokenId { get; init; } = 102;

    /// <summary>Id of [PAD]. Default 0.</summary>
    public long PadTokenId { get; init; } = 0;

    /// <summary>Id of [MASK]. Default 103.</summary>
    public long MaskTokenId { get; init; } = 103;

    /// <summary>Vocabulary size, the range of random replacement ids. Default 30522 (bert-base-uncased).</summary>
    public long VocabularySize { get; init; } = 30522;

    /// <summary>
    /// Masks a batch of token ids.
    /// </summary>
    /// <param name="inputIds">Token ids, Int64 [B,T].</param>
    /// <param name="attentionMask">Attention mask [B,T] (any integer, boolean or floating type; non-zero = token).</param>
    /// <param name="generator">The random generator; it decides every draw, so the same seed gives the same result.
    /// Draws are made on its device and moved to the device of <paramref name="inputIds"/>.</param>
    /// <returns>The masked ids, the targets and the selection, on the device of <paramref name="inputIds"/>.</returns>
    /// <exception cref="ArgumentException">A shape, type or option is invalid.</exception>
    public MaskedTokens Apply(Tensor inputIds, Tensor attentionMask, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(attentionMask);
        ArgumentNullException.ThrowIfNull(generator);
        ValidateOptions();
        if (inputIds.dtype != ScalarType.Int64 || inputIds.dim() != 2)
            throw new ArgumentException($"inputIds must be an Int64 tensor of shape [B,T]; got {inputIds.dtype} {Shape(inputIds)}.", nameof(inputIds));
        if (!attentionMask.shape.SequenceEqual(inputIds.shape))
            throw new ArgumentException($"attentionMask shape {Shape(attentionMask)} differs from inputIds shape {Shape(inputIds)}.", nameof(attentionMask));

        using var scope = NewDisposeScope();
        var device = inputIds.device;
        long[] shape = inputIds.shape;

        var eligible = attentionMask.ne(0)
            .logical_and(inputIds.ne(ClsTokenId))
            .logical_and(inputIds.ne(SepTokenId))
            .logical_and(inputIds.ne(PadTokenId))
            .logical_and(inputIds.ne(MaskTokenId));

        // Every draw is made for every position, whatever the data, in a fixed order: selection, replacement kind,
        // random ids, forced pick. The result then depends only on the inputs and the generator state.
        var drawDevice = generator.device;
        var selectDraw = rand(shape, ScalarType.Float64, drawDevice, generator: generator).to(device);
        var replaceDraw = rand(shape, ScalarType.Float64, drawDevice, generator: generator).to(device);
        var randomIds = randint(0, VocabularySize, shape, ScalarType.Int64, drawDevice, generator: generator).to(device);
        var pickDraw = rand(shape, ScalarType.Float64, drawDevice, generator: generator).to(device);

        var selected = selectDraw.lt(MaskProbability).logical_and(eligible);
        if (EnsureAtLeastOne)
        {
            var needsOne = selected.any(1).logical_not().logical_and(eligible.any(1));      // [B]
            var scores = pickDraw.masked_fill(eligible.logical_not(), -1.0);                // ineligible never win
            var pick = scores.argmax(1, keepdim: true);                                     // [B,1]
            var forced = zeros_like(selected).scatter(1, pick, ones_like(pick, ScalarType.Bool))
                .logical_and(needsOne.unsqueeze(1));
            selected = selected.logical_or(forced);
        }

        var toMask = selected.logical_and(replaceDraw.lt(ReplaceWithMaskProbability));
        var toRandom = selected.logical_and(replaceDraw.ge(ReplaceWithMaskProbability))
            .logical_and(replaceDraw.lt(ReplaceWithMaskProbability + ReplaceWithRandomProbability));

        var masked = inputIds.masked_fill(toMask, MaskTokenId);
        masked = where(toRandom, randomIds, masked);
        var targets = inputIds.masked_fill(selected.logical_not(), IgnoreIndex);

        return new MaskedTokens(masked.MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope(), selected.MoveToOuterDisposeScope());
    }

    private void ValidateOptions()
    {
        CheckProbability(MaskProbability, nameof(MaskProbability));
        CheckProbability(ReplaceWithMaskProbability, nameof(ReplaceWithMaskProbability));
        CheckProbability(ReplaceWithRandomProbability, nameof(ReplaceWithRandomProbability));
        if (ReplaceWithMaskProbability + ReplaceWithRandomProbability > 1.0 + 1e-12)
            throw new ArgumentException(
                $"{nameof(ReplaceWithMaskProbability)} ({ReplaceWithMaskProbability}) + {nameof(ReplaceWithRandomProbability)} " +
                $"({ReplaceWithRandomProbability}) must not exceed 1.");
        if (VocabularySize <= 0)
            throw new ArgumentException($"{nameof(VocabularySize)} must be positive; got {VocabularySize}.");
    }

    private static void CheckProbability(double value, string name)
    {
        if (!(value >= 0.0 && value <= 1.0))
            throw new ArgumentException($"{name} must be in [0, 1]; got {value}.");
    }

    private static string Shape(Tensor t) => "[" + string.Join(",", t.shape) + "]";
}
