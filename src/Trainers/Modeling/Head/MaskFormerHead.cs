using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// The MagNet segmentation head, a simplified Mask2Former (the official <c>MaskFormerHead</c>, the <c>classifier</c>
/// of the released model): a <see cref="PixelDecoder"/> (multi-scale deformable attention over s1..s4) and a
/// <see cref="MaskedTransformerDecoder"/>. Its state-dict names are the official <c>classifier.*</c> names without the
/// prefix (<c>pixel_decoder.*</c>, <c>predictor.*</c>), so official weights load unchanged.
/// </summary>
public sealed partial class MaskFormerHead : nn.Module<Tensor, Tensor, Tensor, Tensor, MaskFormerHeadOutput>
{
#pragma warning disable IDE1006 // PyTorch attribute names are the state-dict keys.
    private readonly PixelDecoder pixel_decoder;
    private readonly MaskedTransformerDecoder predictor;
#pragma warning restore IDE1006

    /// <summary>Creates the head with freshly initialised weights (the official initialisation).</summary>
    /// <param name="options">Sizes; <see cref="MaskFormerHeadOptions.Validate"/> is called.</param>
    /// <exception cref="ArgumentException">An option cannot build a head.</exception>
    public MaskFormerHead(MaskFormerHeadOptions options) : base(nameof(MaskFormerHead))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        pixel_decoder = new PixelDecoder(options);
        predictor = new MaskedTransformerDecoder(options);
        RegisterComponents();
    }

    /// <summary>The sizes this head was built with.</summary>
    public MaskFormerHeadOptions Options { get; }

    /// <summary>Runs the head on the four backbone features.</summary>
    /// <param name="s1">[N, C1, H/4, W/4].</param>
    /// <param name="s2">[N, C2, H/8, W/8].</param>
    /// <param name="s3">[N, C3, H/16, W/16].</param>
    /// <param name="s4">[N, C4, H/32, W/32].</param>
    /// <returns>Final and auxiliary predictions, mask features and final query embedding (the caller disposes it).</returns>
    public override MaskFormerHeadOutput forward(Tensor s1, Tensor s2, Tensor s3, Tensor s4)
    {
        var inputs = new[] { s1, s2, s3, s4 };
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i].dim() != 4 || inputs[i].shape[1] != Options.InputChannels[i])
                throw new ArgumentException($"s{i + 1} must be [N, {Options.InputChannels[i]}, H, W]; got [{string.Join(", ", inputs[i].shape)}].", $"s{i + 1}");
            if (inputs[i].shape[0] != s1.shape[0])
                throw new ArgumentException($"s{i + 1} has batch size {inputs[i].shape[0]} but s1 has {s1.shape[0]}.", $"s{i + 1}");
        }

        using var scope = NewDisposeScope();
        using var pixels = pixel_decoder.call(inputs);
        using var decoded = predictor.call(pixels.MultiScaleFeatures, pixels.MaskFeatures);

        var predictions = decoded.Predictions;
        for (int k = 0; k < predictions.Count - 1; k++)
        {
            TensorRecorder.Record($"dec.aux{k}.pred_logits", predictions[k].Logits);
            TensorRecorder.Record($"dec.aux{k}.pred_masks", predictions[k].Masks);
        }
        var final = predictions[^1];
        TensorRecorder.Record("dec.pred_logits", final.Logits);
        TensorRecorder.Record("dec.pred_masks", final.Masks);

        var aux = predictions.Take(predictions.Count - 1)
            .Select(p => new MaskPrediction(p.Logits.alias().MoveToOuterDisposeScope(), p.Masks.alias().MoveToOuterDisposeScope()))
            .ToArray();
        return new MaskFormerHeadOutput(
            final.Logits.alias().MoveToOuterDisposeScope(),
            final.Masks.alias().MoveToOuterDisposeScope(),
            aux,
            pixels.MaskFeatures.alias().MoveToOuterDisposeScope(),
            decoded.QueryEmbedding.alias().MoveToOuterDisposeScope());
    }
}
