using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MagNet.ML.Modeling;

/// <summary>
/// Mask2Former's <c>MultiScaleMaskedTransformerDecoder</c>: learnable queries go through <c>DecLayers − 1</c> layers of
/// masked cross-attention (layer i attends to multi-scale level i mod 3, only where the previous prediction's mask,
/// resized to that level, has sigmoid ≥ 0.5; a query whose mask is empty attends everywhere), then self-attention,
/// then a feed-forward block. Before the first layer and after each one, <c>decoder_norm</c> feeds the class head
/// and the mask head (mask logits = ⟨mask_embed(query), mask_features⟩). State-dict names:
/// <c>transformer_{self,cross}_attention_layers</c>, <c>transformer_ffn_layers</c>, <c>decoder_norm</c>,
/// <c>query_feat</c>, <c>query_embed</c>, <c>level_embed</c>, <c>input_proj</c> (empty when the pixel-decoder width
/// equals the hidden width), <c>class_embed</c>, <c>mask_embed.layers</c>.
/// </summary>
public sealed partial class MaskedTransformerDecoder : Module<IReadOnlyList<Tensor>, Tensor, MaskedTransformerDecoderOutput>
{
    private readonly long heads, hiddenDim;

#pragma warning disable IDE1006 // PyTorch attribute names are the state-dict keys.
    private readonly ModuleList<DecoderSelfAttentionLayer> transformer_self_attention_layers;
    private readonly ModuleList<DecoderCrossAttentionLayer> transformer_cross_attention_layers;
    private readonly ModuleList<DecoderFeedForwardLayer> transformer_ffn_layers;
    private readonly LayerNorm decoder_norm;
    private readonly Embedding query_feat;
    private readonly Embedding query_embed;
    private readonly Embedding level_embed;
    private readonly ModuleList<Module<Tensor, Tensor>> input_proj;
    private readonly Linear class_embed;
    private readonly MaskEmbeddingMlp mask_embed;
#pragma warning restore IDE1006

    /// <summary>Creates the decoder from the head options (its input width is <see cref="MaskFormerHeadOptions.ConvDim"/>).</summary>
    /// <param name="options">Sizes (validated by the caller).</param>
    public MaskedTransformerDecoder(MaskFormerHeadOptions options) : base(nameof(MaskedTransformerDecoder))
    {
        heads = options.NumHeads;
        hiddenDim = options.HiddenDim;
        int layers = options.DecoderLayers;
        transformer_self_attention_layers = new ModuleList<DecoderSelfAttentionLayer>(
            Enumerable.Range(0, layers).Select(_ => new DecoderSelfAttentionLayer(hiddenDim, heads, options.PreNorm)).ToArray());
        transformer_cross_attention_layers = new ModuleList<DecoderCrossAttentionLayer>(
            Enumerable.Range(0, layers).Select(_ => new DecoderCrossAttentionLayer(hiddenDim, heads, options.PreNorm)).ToArray());
        transformer_ffn_layers = new ModuleList<DecoderFeedForwardLayer>(
            Enumerable.Range(0, layers).Select(_ => new DecoderFeedForwardLayer(hiddenDim, options.DimFeedforward, options.PreNorm)).ToArray());
        decoder_norm = LayerNorm(hiddenDim);
        query_feat = Embedding(options.NumQueries, hiddenDim);
        query_embed = Embedding(options.NumQueries, hiddenDim);
        level_embed = Embedding(MaskFormerHeadOptions.DecoderFeatureLevels, hiddenDim);
        input_proj = new ModuleList<Module<Tensor, Tensor>>(Enumerable.Range(0, MaskFormerHeadOptions.DecoderFeatureLevels)
            .Select(_ => options.ConvDim != options.HiddenDim ? ProjectionConv(options.ConvDim, hiddenDim) : (Module<Tensor, Tensor>)Sequential())
            .ToArray());
        class_embed = Linear(hiddenDim, options.NumClasses + 1);
        mask_embed = new MaskEmbeddingMlp(hiddenDim, hiddenDim, options.MaskDim, 3);
        RegisterComponents();
    }

    // 1×1 conv with c2_xavier_fill (Kaiming-uniform, a = 1; zero bias).
    private static Conv2d ProjectionConv(long inChannels, long outChannels)
    {
        var conv = Conv2d(inChannels, outChannels, 1);
        using var noGrad = no_grad();
        init.kaiming_uniform_(conv.weight!, a: 1);
        init.constant_(conv.bias!, 0);
        return conv;
    }

    /// <summary>Decodes.</summary>
    /// <param name="multiScaleFeatures">Three memory levels [N, C, h, w], coarsest first.</param>
    /// <param name="maskFeatures">[N, mask_dim, H/4, W/4] per-pixel embeddings.</param>
    /// <returns>All predictions and the final normalised queries.</returns>
    public override MaskedTransformerDecoderOutput forward(IReadOnlyList<Tensor> multiScaleFeatures, Tensor maskFeatures)
    {
        int levels = MaskFormerHeadOptions.DecoderFeatureLevels;
        if (multiScaleFeatures.Count != levels)
            throw new ArgumentException($"The decoder attends to {levels} feature levels, got {multiScaleFeatures.Count}.", nameof(multiScaleFeatures));
        using var scope = NewDisposeScope();
        var sources = new Tensor[levels];
        var positions = new Tensor[levels];
        var sizes = new (long Height, long Width)[levels];
        long batch = multiScaleFeatures[0].shape[0];
        for (int i = 0; i < levels; i++)
        {
            var x = multiScaleFeatures[i];
            sizes[i] = (x.shape[2], x.shape[3]);
            // [h·w, N, C] (sequence first, as nn.MultiheadAttention expects)
            positions[i] = SinePositionEncoding.Compute(x.shape[2], x.shape[3], hiddenDim / 2, x.device)
                .flatten(2).permute(2, 0, 1).expand(-1, batch, -1);
            sources[i] = (input_proj[i].call(x).flatten(2) + level_embed.weight![i].view(1, -1, 1)).permute(2, 0, 1);
        }

        var queryPosition = query_embed.weight!.unsqueeze(1).repeat(1, batch, 1);
        var output = query_feat.weight!.unsqueeze(1).repeat(1, batch, 1);

        var predictions = new List<MaskPrediction>();
        var (prediction, blocked, queryEmbedding) = PredictionHeads(output, maskFeatures, sizes[0], 0);
        predictions.Add(prediction);
        for (int i = 0; i < transformer_cross_attention_layers.Count; i++)
        {
            int level = i % levels;
            // A query whose mask covers nothing at this level would attend to nothing: let it attend everywhere.
            blocked = blocked.logical_and(blocked.all(-1, keepdim: true).logical_not());
            TensorRecorder.Record($"dec.layer{i}.attn_mask", blocked);
            output = transformer_cross_attention_layers[i].call(output, sources[level], blocked, positions[level], queryPosition);
            TensorRecorder.Record($"dec.layer{i}.cross", output);
            output = transformer_self_attention_layers[i].call(output, queryPosition);
            TensorRecorder.Record($"dec.layer{i}.self", output);
            output = transformer_ffn_layers[i].call(output);
            TensorRecorder.Record($"dec.layer{i}.ffn", output);
            (prediction, blocked, queryEmbedding) = PredictionHeads(output, maskFeatures, sizes[(i + 1) % levels], i + 1);
            predictions.Add(prediction);
        }

        foreach (var p in predictions)
        {
            p.Logits.MoveToOuterDisposeScope();
            p.Masks.MoveToOuterDisposeScope();
        }
        return new MaskedTransformerDecoderOutput(predictions, queryEmbedding.MoveToOuterDisposeScope());
    }

    // decoder_norm -> class and mask heads; the boolean attention mask for the next layer ([N·heads, Q, h·w], true = blocked).
    private (MaskPrediction Prediction, Tensor Blocked, Tensor Queries) PredictionHeads(Tensor output, Tensor maskFeatures, (long Height, long Width) maskSize, int index)
    {
        var queries = decoder_norm.call(output).transpose(0, 1);
        TensorRecorder.Record($"dec.pred{index}.query_norm", queries);
        var logits = class_embed.call(queries);
        var embedding = mask_embed.call(queries);
        var masks = einsum("bqc,bchw->bqhw", embedding, maskFeatures);

        Tensor blocked;
        using (no_grad())
        {
            var resized = functional.interpolate(masks, new[] { maskSize.Height, maskSize.Width }, mode: InterpolationMode.Bilinear, align_corners: false);
            blocked = resized.sigmoid().flatten(2).unsqueeze(1).repeat(1, heads, 1, 1).flatten(0, 1).lt(0.5);
        }
        TensorRecorder.Record($"dec.pred{index}.attn_mask_raw", blocked);
        return (new MaskPrediction(logits, masks), blocked, queries);
    }
}
