using MagNet.ML.Export;
using Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

public sealed partial class MaskedTransformerDecoder
{
    /// <summary>
    /// Emits the decoder (see <see cref="forward"/>): level memories with constant sine position encodings, learnable
    /// queries broadcast to the dynamic batch, and per layer the masked cross-attention (the mask from the previous
    /// prediction, rows that block everything opened), self-attention and feed-forward block. Only the final
    /// prediction's class and mask logits are outputs (the deep-supervision predictions are training-only).
    /// </summary>
    internal OnnxHeadOutput EmitOnnx(OnnxGraphBuilder g, string prefix, OnnxPixelDecoderOutput pixels, long queries, long classes, long maskDim)
    {
        int levels = MaskFormerHeadOptions.DecoderFeatureLevels;
        using var scope = g.Scope(prefix);
        using var tensors = NewDisposeScope();
        string levelEmbed = g.AddInitializer($"{prefix}.level_embed.weight", level_embed.weight!);
        var sources = new string[levels];
        var positions = new string[levels];
        var sizes = new (long Height, long Width)[levels];
        for (int i = 0; i < levels; i++)
        {
            var x = pixels.MultiScaleFeatures[i];
            sizes[i] = (x.Height, x.Width);
            var position = SinePositionEncoding.Compute(x.Height, x.Width, hiddenDim / 2).flatten(2).permute(2, 0, 1);   // [h·w, 1, C]
            positions[i] = g.AddConstant($"{prefix}.pos{i}", position);
            string projected = input_proj[i] switch
            {
                Conv2d conv => g.Conv(x.Value, conv, $"{prefix}.input_proj.{i}"),
                Sequential { Count: 0 } => x.Value,
                var other => throw new NotSupportedException($"ONNX export of '{prefix}.input_proj.{i}': {other.GetType().Name} is not supported."),
            };
            string flat = g.Add(g.Reshape(projected, 0, hiddenDim, x.Height * x.Width), g.Reshape(g.Gather(levelEmbed, g.ScalarInt64(i)), 1, -1, 1));
            sources[i] = g.Transpose(flat, 2, 0, 1);                                                                   // [h·w, B, C]
        }

        // [Q, B, C]: the learnable embeddings repeated over the runtime batch.
        string batch = g.Slice(g.ShapeOf(pixels.MaskFeatures.Value), [0], [1], [0]);
        string queryShape = g.Concat(0, g.Int64s(queries), batch, g.Int64s(hiddenDim));
        string queryPosition = g.Expand(g.Unsqueeze(g.AddInitializer($"{prefix}.query_embed.weight", query_embed.weight!), 1), queryShape);
        string output = g.Expand(g.Unsqueeze(g.AddInitializer($"{prefix}.query_feat.weight", query_feat.weight!), 1), queryShape);

        var (logits, masks, blocked) = EmitPredictionHeads(g, prefix, output, pixels.MaskFeatures, queries, maskDim, sizes[0], needMask: transformer_cross_attention_layers.Count > 0);
        for (int i = 0; i < transformer_cross_attention_layers.Count; i++)
        {
            int level = i % levels;
            // A query whose mask covers nothing at this level would attend to nothing: let it attend everywhere.
            string allBlocked = g.Cast(g.ReduceMin(g.Cast(blocked!, TensorProto.Types.DataType.Float), [-1]), TensorProto.Types.DataType.Bool);
            string attentionMask = g.And(blocked!, g.Not(allBlocked));
            output = transformer_cross_attention_layers[i].EmitOnnx(g, $"{prefix}.transformer_cross_attention_layers.{i}",
                output, sources[level], attentionMask, positions[level], queryPosition);
            output = transformer_self_attention_layers[i].EmitOnnx(g, $"{prefix}.transformer_self_attention_layers.{i}", output, queryPosition);
            output = transformer_ffn_layers[i].EmitOnnx(g, $"{prefix}.transformer_ffn_layers.{i}", output);
            bool last = i == transformer_cross_attention_layers.Count - 1;
            (logits, masks, blocked) = EmitPredictionHeads(g, prefix, output, pixels.MaskFeatures, queries, maskDim, sizes[(i + 1) % levels], needMask: !last);
        }
        return new OnnxHeadOutput(logits, masks, queries, classes, pixels.MaskFeatures.Height, pixels.MaskFeatures.Width);
    }

    // decoder_norm → class and mask heads, and (when a later layer reads it) the boolean attention mask [B·heads, Q, h·w].
    private (string Logits, string Masks, string? Blocked) EmitPredictionHeads(OnnxGraphBuilder g, string prefix, string output, OnnxFeature maskFeatures,
        long queries, long maskDim, (long Height, long Width) maskSize, bool needMask)
    {
        string normalised = g.Transpose(g.LayerNorm(output, decoder_norm, $"{prefix}.decoder_norm"), 1, 0, 2);   // [B, Q, C]
        string logits = g.Linear(normalised, class_embed, $"{prefix}.class_embed");
        string embedding = mask_embed.EmitOnnx(g, $"{prefix}.mask_embed", normalised);
        string features = g.Reshape(maskFeatures.Value, 0, maskDim, maskFeatures.Height * maskFeatures.Width);
        string masks = g.Reshape(g.MatMul(embedding, features), 0, queries, maskFeatures.Height, maskFeatures.Width);
        if (!needMask) return (logits, masks, null);

        var (h, w) = maskSize;
        string resized = g.Sigmoid(g.ResizeBilinear(masks, h, w, alignCorners: false));
        string perHead = g.Reshape(g.Tile(g.Unsqueeze(g.Reshape(resized, 0, queries, h * w), 1), 1, heads, 1, 1), -1, queries, h * w);
        return (logits, masks, g.Less(perHead, g.Scalar(0.5f)));
    }
}
