using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MagNet.ML.Training;

/// <summary>
/// Mask Grounding (training only): a Masked Token Predictor that recovers the masked words of a sentence from the
/// rest of the sentence, the image and the ground-truth mask, and its cross-entropy loss (MAGNET-SPEC §4.1). Nothing
/// of it runs at inference, and official inference checkpoints do not contain it.
/// </summary>
/// <remarks>
/// <para>Input sequence (a RECONSTRUCTION; the paper's exact predictor inputs are unpublished):</para>
/// <list type="number">
/// <item>T text tokens: the masked sentence's features [B,T,D_text] through Linear(D_text → H).</item>
/// <item>G² visual tokens: stage-4 features adaptive-average-pooled to G×G, row-major, through Linear(C4 → H).</item>
/// <item>G² mask tokens from the <see cref="MaskEncoder"/>, added to the visual tokens of the same cell
/// (<see cref="MaskTokenFusion.AddToVisualTokens"/>, default) or appended as their own tokens.</item>
/// </list>
/// <para>Each token gets a token-type embedding (0 text, 1 visual, 2 mask) and a position embedding (text i at
/// position i; visual cell j at <c>MaxTextTokens + j</c>; separate mask cell j at <c>MaxTextTokens + G² + j</c>, so
/// visual positions do not move with T); then LayerNorm and dropout as BERT's embeddings. The encoder is
/// <see cref="MaskGroundingOptions.NumLayers"/> post-norm BERT layers; padded text tokens are masked out as keys
/// (additive −10000, BERT's value); visual and mask tokens are always attended. The prediction head reads the text
/// positions only.</para>
/// <para>Linear and embedding weights start from N(0, <see cref="MaskGroundingOptions.InitializerRange"/>) with zero
/// biases, LayerNorms at 1/0 (BERT's initialisation). The mask encoder keeps PyTorch's default (Kaiming-uniform)
/// initialisation: its inputs are one channel of foreground fractions, and N(0, 0.02) weights on a fan-in of 1 would
/// make the mask tokens about 1 % of the visual tokens' size at the start.</para>
/// </remarks>
public sealed class MaskGroundingHead : nn.Module
{
#pragma warning disable IDE1006 // state-dict names
    private readonly Linear text_proj;
    private readonly Linear visual_proj;
    private readonly MaskEncoder mask_encoder;
    private readonly Embedding token_type_embeddings;
    private readonly Embedding position_embeddings;
    private readonly LayerNorm embeddings_norm;
    private readonly Dropout embeddings_dropout;
    private readonly ModuleList<MaskedTokenPredictorLayer> layers;
    private readonly MaskedTokenPredictionHead predictions;
#pragma warning restore IDE1006

    /// <summary>Creates the head with freshly initialised weights.</summary>
    /// <param name="options">Sizes and choices; validated here. The head keeps a reference; do not change it afterwards.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public MaskGroundingHead(MaskGroundingOptions options) : base(nameof(MaskGroundingHead))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        int h = options.HiddenSize;
        text_proj = nn.Linear(options.TextDimension, h);
        visual_proj = nn.Linear(options.VisualDimension, h);
        mask_encoder = new MaskEncoder(options.MaskEncoder, h, options.GridSize, options.MaskEncoderChannels);
        int tokenTypes = options.MaskFusion == MaskTokenFusion.SeparateTokens ? 3 : 2;
        token_type_embeddings = nn.Embedding(tokenTypes, h);
        position_embeddings = nn.Embedding(options.MaxPositions, h);
        embeddings_norm = nn.LayerNorm(h, options.LayerNormEps);
        embeddings_dropout = nn.Dropout(options.HiddenDropout);
        layers = nn.ModuleList(Enumerable.Range(0, options.NumLayers)
            .Select(_ => new MaskedTokenPredictorLayer(h, options.NumHeads, options.IntermediateSize,
                options.HiddenDropout, options.AttentionDropout, options.LayerNormEps))
            .ToArray());
        predictions = new MaskedTokenPredictionHead(h, options.VocabularySize, options.LayerNormEps,
            options.TieDecoderToWordEmbeddings ? options.TextDimension : null);
        RegisterComponents();
        InitializeWeights();
    }

    /// <summary>The options the head was built with.</summary>
    public MaskGroundingOptions Options { get; }

    /// <summary>
    /// Runs the Masked Token Predictor and returns its states at the text positions.
    /// </summary>
    /// <param name="maskedTextFeatures">Language features of the masked sentence [B,T,D_text].</param>
    /// <param name="attentionMask">Attention mask [B,T] (non-zero = token).</param>
    /// <param name="stage4Visual">Stage-4 visual features [B,C4,h,w].</param>
    /// <param name="gtMask">Ground-truth mask [B,H,W], 0/1 (floating).</param>
    /// <returns>Token states [B,T,H].</returns>
    /// <exception cref="ArgumentException">A shape does not match the options or the other inputs.</exception>
    public Tensor EncodeText(Tensor maskedTextFeatures, Tensor attentionMask, Tensor stage4Visual, Tensor gtMask)
    {
        CheckInputs(maskedTextFeatures, attentionMask, stage4Visual, gtMask);
        using var scope = NewDisposeScope();
        long b = maskedTextFeatures.shape[0], t = maskedTextFeatures.shape[1];
        int g2 = Options.GridTokens;
        var device = maskedTextFeatures.device;
        var dtype = maskedTextFeatures.dtype;

        var text = text_proj.call(maskedTextFeatures);                                             // [B,T,H]
        var pooled = F.adaptive_avg_pool2d(stage4Visual, new long[] { Options.GridSize, Options.GridSize });
        var visual = visual_proj.call(pooled.flatten(2).transpose(1, 2));                           // [B,G²,H]
        var mask = mask_encoder.Encode(gtMask.to_type(stage4Visual.dtype), stage4Visual.shape[2], stage4Visual.shape[3]);

        var parts = new List<Tensor> { text };
        var types = new List<Tensor> { zeros(new[] { t }, ScalarType.Int64, device) };
        var positions = new List<Tensor> { arange(t, ScalarType.Int64, device) };
        long visualStart = Options.MaxTextTokens;
        if (Options.MaskFusion == MaskTokenFusion.AddToVisualTokens)
        {
            parts.Add(visual + mask);
        }
        else
        {
            parts.Add(visual);
            parts.Add(mask);
        }
        types.Add(full(new long[] { g2 }, 1L, ScalarType.Int64, device));
        positions.Add(arange(visualStart, visualStart + g2, ScalarType.Int64, device));
        if (Options.MaskFusion == MaskTokenFusion.SeparateTokens)
        {
            types.Add(full(new long[] { g2 }, 2L, ScalarType.Int64, device));
            positions.Add(arange(visualStart + g2, visualStart + 2 * g2, ScalarType.Int64, device));
        }

        var tokens = cat(parts, 1);                                                                 // [B,N,H]
        long n = tokens.shape[1];
        var embedded = tokens + token_type_embeddings.call(cat(types, 0)) + position_embeddings.call(cat(positions, 0));
        var hidden = embeddings_dropout.call(embeddings_norm.call(embedded));

        var keep = cat(new[] { attentionMask.ne(0).to_type(dtype), ones(new[] { b, n - t }, dtype, device) }, 1);
        var additive = (1.0 - keep).mul(-10000.0).view(b, 1, 1, n);
        foreach (var layer in layers) hidden = layer.call(hidden, additive);
        return hidden.narrow(1, 0, t).MoveToOuterDisposeScope();
    }

    /// <summary>Vocabulary logits at every text position [B,T,V] (for inspection; <see cref="Loss"/> computes only the
    /// selected positions).</summary>
    /// <param name="maskedTextFeatures">Language features of the masked sentence [B,T,D_text].</param>
    /// <param name="attentionMask">Attention mask [B,T].</param>
    /// <param name="stage4Visual">Stage-4 visual features [B,C4,h,w].</param>
    /// <param name="gtMask">Ground-truth mask [B,H,W].</param>
    /// <param name="wordEmbeddings">Word-embedding matrix [V,D_text], required when the decoder is tied.</param>
    public Tensor PredictLogits(Tensor maskedTextFeatures, Tensor attentionMask, Tensor stage4Visual, Tensor gtMask,
        Tensor? wordEmbeddings = null)
    {
        using var scope = NewDisposeScope();
        var hidden = EncodeText(maskedTextFeatures, attentionMask, stage4Visual, gtMask);
        return predictions.Logits(hidden, wordEmbeddings).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The Mask Grounding loss L_MG = −(1/|M|) Σ_{j∈M} log p(y_j | masked text, image, mask) over the selected
    /// positions M (targets ≠ −1). Logits are computed for the selected positions only. Returns a scalar; 0 with a
    /// defined (zero) gradient when nothing is selected.
    /// </summary>
    /// <param name="maskedTextFeatures">Language features of the masked sentence [B,T,D_text].</param>
    /// <param name="attentionMask">Attention mask [B,T].</param>
    /// <param name="stage4Visual">Stage-4 visual features [B,C4,h,w].</param>
    /// <param name="gtMask">Ground-truth mask [B,H,W].</param>
    /// <param name="targets">Targets [B,T] (Int64): original ids at selected positions, −1 elsewhere
    /// (<see cref="MaskedTokens.Targets"/>).</param>
    /// <param name="wordEmbeddings">Word-embedding matrix [V,D_text], required when the decoder is tied.</param>
    /// <exception cref="ArgumentException">A shape does not match.</exception>
    public Tensor Loss(Tensor maskedTextFeatures, Tensor attentionMask, Tensor stage4Visual, Tensor gtMask, Tensor targets,
        Tensor? wordEmbeddings = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.dim() != 2 || targets.shape[0] != maskedTextFeatures.shape[0] || targets.shape[1] != maskedTextFeatures.shape[1])
            throw new ArgumentException($"targets must have shape [B,T] = [{maskedTextFeatures.shape[0]},{maskedTextFeatures.shape[1]}]; got {Shape(targets)}.", nameof(targets));
        using var scope = NewDisposeScope();
        var hidden = EncodeText(maskedTextFeatures, attentionMask, stage4Visual, gtMask);
        var flatTargets = targets.reshape(-1).to_type(ScalarType.Int64);
        var selected = flatTargets.ne(TokenMasking.IgnoreIndex).nonzero().squeeze(1);
        var selectedHidden = hidden.reshape(-1, hidden.shape[2]).index_select(0, selected);
        var logits = predictions.Logits(selectedHidden, wordEmbeddings);
        return MaskedTokenCrossEntropy(logits, flatTargets.index_select(0, selected)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Mean cross-entropy over the positions whose target is not −1: −(1/|M|) Σ_{j∈M} log softmax(logits_j)[y_j].
    /// Returns 0 (with a zero gradient into <paramref name="logits"/>) when every target is −1.
    /// </summary>
    /// <param name="logits">Logits [..., V].</param>
    /// <param name="targets">Targets [...] (integer), −1 = ignore.</param>
    public static Tensor MaskedTokenCrossEntropy(Tensor logits, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        using var scope = NewDisposeScope();
        var flatLogits = logits.reshape(-1, logits.shape[^1]);
        var flatTargets = targets.reshape(-1).to_type(ScalarType.Int64);
        if (flatTargets.shape[0] != flatLogits.shape[0])
            throw new ArgumentException($"targets {Shape(targets)} do not match logits {Shape(logits)}.", nameof(targets));
        if (!flatTargets.ne(TokenMasking.IgnoreIndex).any().item<bool>())
            return flatLogits.sum().mul(0.0).MoveToOuterDisposeScope();
        return F.cross_entropy(flatLogits, flatTargets, ignore_index: TokenMasking.IgnoreIndex).MoveToOuterDisposeScope();
    }

    private void CheckInputs(Tensor text, Tensor attentionMask, Tensor visual, Tensor gtMask)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(attentionMask);
        ArgumentNullException.ThrowIfNull(visual);
        ArgumentNullException.ThrowIfNull(gtMask);
        if (text.dim() != 3 || text.shape[2] != Options.TextDimension)
            throw new ArgumentException($"maskedTextFeatures must have shape [B,T,{Options.TextDimension}]; got {Shape(text)}.", "maskedTextFeatures");
        long b = text.shape[0], t = text.shape[1];
        if (t > Options.MaxTextTokens)
            throw new ArgumentException($"maskedTextFeatures has {t} tokens; the head accepts at most MaxTextTokens = {Options.MaxTextTokens}.", "maskedTextFeatures");
        if (attentionMask.dim() != 2 || attentionMask.shape[0] != b || attentionMask.shape[1] != t)
            throw new ArgumentException($"attentionMask must have shape [{b},{t}]; got {Shape(attentionMask)}.", nameof(attentionMask));
        if (visual.dim() != 4 || visual.shape[0] != b || visual.shape[1] != Options.VisualDimension)
            throw new ArgumentException($"stage4Visual must have shape [{b},{Options.VisualDimension},h,w]; got {Shape(visual)}.", "stage4Visual");
        if (gtMask.dim() != 3 || gtMask.shape[0] != b)
            throw new ArgumentException($"gtMask must have shape [{b},H,W]; got {Shape(gtMask)}.", nameof(gtMask));
    }

    private void InitializeWeights()
    {
        using var noGrad = no_grad();
        var maskEncoderModules = mask_encoder.modules().ToHashSet();
        foreach (var module in modules())
        {
            if (maskEncoderModules.Contains(module)) continue;
            switch (module)
            {
                case Linear linear:
                    nn.init.normal_(linear.weight, 0, Options.InitializerRange);
                    if (linear.bias is not null) nn.init.zeros_(linear.bias);
                    break;
                case Embedding embedding:
                    nn.init.normal_(embedding.weight, 0, Options.InitializerRange);
                    break;
            }
        }
    }

    private static string Shape(Tensor t) => "[" + string.Join(",", t.shape) + "]";
}
