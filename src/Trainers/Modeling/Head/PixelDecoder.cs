using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MagNet.ML.Modeling;

/// <summary>
/// The multi-scale deformable-attention pixel decoder (Mask2Former's <c>MSDeformAttnPixelDecoder</c> as configured by
/// MagNet: every input level enters the encoder, no extra FPN level). Levels run top-down: index 0 is s4 (stride 32),
/// the last index is s1 (stride 4). State-dict names: <c>input_proj.{k}.0</c> (1×1 conv), <c>input_proj.{k}.1</c>
/// (GroupNorm(32)), <c>transformer.*</c>, <c>mask_features</c> (1×1 conv on the finest encoder output).
/// </summary>
public sealed partial class PixelDecoder : Module<IReadOnlyList<Tensor>, PixelDecoderOutput>
{
    private readonly long convDim;

#pragma warning disable IDE1006 // PyTorch attribute names are the state-dict keys.
    private readonly ModuleList<Sequential> input_proj;
    private readonly DeformableTransformer transformer;
    private readonly Conv2d mask_features;
#pragma warning restore IDE1006

    /// <summary>Creates the pixel decoder from the head options.</summary>
    /// <param name="options">Sizes (validated by the caller).</param>
    public PixelDecoder(MaskFormerHeadOptions options) : base(nameof(PixelDecoder))
    {
        convDim = options.ConvDim;
        int levels = MaskFormerHeadOptions.InputLevels;
        // Coarsest level first: input_proj[0] projects s4.
        input_proj = new ModuleList<Sequential>(Enumerable.Range(0, levels)
            .Select(k => Sequential(
                ("0", (Module<Tensor, Tensor>)Conv2d(options.InputChannels[levels - 1 - k], convDim, 1)),
                ("1", GroupNorm(32, convDim))))
            .ToArray());
        transformer = new DeformableTransformer(convDim, options.NumHeads, options.TransformerEncoderLayers,
            options.EncoderFeedforwardDim, options.Dropout, levels, options.NumPoints);
        mask_features = Conv2d(convDim, options.MaskDim, 1);
        RegisterComponents();

        using var noGrad = no_grad();
        foreach (var projection in input_proj)
        {
            var conv = (Conv2d)projection[0];
            init.xavier_uniform_(conv.weight!);
            init.constant_(conv.bias!, 0);
            // TorchSharp 0.107's GroupNorm leaves its affine parameters uninitialised: set PyTorch's ones / zeros.
            var norm = (GroupNorm)projection[1];
            init.ones_(norm.weight!);
            init.zeros_(norm.bias!);
        }
        // c2_xavier_fill: Kaiming-uniform with a = 1, zero bias.
        init.kaiming_uniform_(mask_features.weight!, a: 1);
        init.constant_(mask_features.bias!, 0);
    }

    /// <summary>Decodes the four backbone features.</summary>
    /// <param name="features">s1..s4, each [N, C_i, H_i, W_i], finest first.</param>
    /// <returns>The mask features and the three coarsest multi-scale features.</returns>
    public override PixelDecoderOutput forward(IReadOnlyList<Tensor> features)
    {
        int levels = input_proj.Count;
        if (features.Count != levels)
            throw new ArgumentException($"The pixel decoder takes {levels} feature maps (s1..s{levels}), got {features.Count}.", nameof(features));
        using var scope = NewDisposeScope();
        var sources = new Tensor[levels];
        var positions = new Tensor[levels];
        for (int k = 0; k < levels; k++)
        {
            var x = features[levels - 1 - k].to_type(ScalarType.Float32);
            sources[k] = input_proj[k].call(x);
            positions[k] = SinePositionEncoding.Compute(x.shape[2], x.shape[3], convDim / 2, x.device);
            TensorRecorder.Record($"pixdec.src{k}", sources[k]);
            TensorRecorder.Record($"pixdec.pos{k}", positions[k]);
        }

        var memory = transformer.call(sources, positions);
        long batch = memory.shape[0];
        var outputs = new Tensor[levels];
        long start = 0;
        for (int k = 0; k < levels; k++)
        {
            long h = sources[k].shape[2], w = sources[k].shape[3];
            outputs[k] = memory.narrow(1, start, h * w).transpose(1, 2).view(batch, -1, h, w);
            start += h * w;
            TensorRecorder.Record($"pixdec.out{k}", outputs[k]);
        }
        var maskFeatures = mask_features.call(outputs[levels - 1]);
        TensorRecorder.Record("pixdec.mask_features", maskFeatures);

        var multiScale = outputs.Take(MaskFormerHeadOptions.DecoderFeatureLevels).Select(t => t.MoveToOuterDisposeScope()).ToArray();
        return new PixelDecoderOutput(maskFeatures.MoveToOuterDisposeScope(), multiScale);
    }
}
