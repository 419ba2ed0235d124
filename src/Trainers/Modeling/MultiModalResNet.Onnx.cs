using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class MultiModalResNet : IOnnxImageEncoder
{
    (string Tokens, long Height, long Width) IOnnxImageEncoder.EmitStem(OnnxGraphBuilder g, string prefix, string image, long imageSize)
    {
        var (scale, shift) = PixelAffine();
        string bgr = g.Gather(image, g.Int64s(2, 1, 0), axis: 1);
        string pixels = g.Add(g.Mul(bgr, g.ConstantFloats("bgr_scale", scale, 1, 3, 1, 1)), g.ConstantFloats("bgr_shift", shift, 1, 3, 1, 1));
        string map = encoder.EmitStem(g, $"{prefix}.encoder", pixels);
        long side = StemSide(imageSize);
        return (EmitTokens(g, map, ResNetImageEncoder.StageChannels[0], side, side), side, side);
    }

    string IOnnxImageEncoder.EmitStage(OnnxGraphBuilder g, string prefix, int stage, string x, long height, long width)
    {
        var (from, to) = StageBlocks(stage);
        long channels = ResNetImageEncoder.StageChannels[stage];
        string map = encoder.EmitBlocks(g, $"{prefix}.encoder", from, to, EmitMap(g, x, channels, height, width));
        return EmitTokens(g, map, channels, height, width);
    }

    OnnxImageStage IOnnxImageEncoder.EmitFusion(OnnxGraphBuilder g, string prefix, int stage, string x, long height, long width, string l, string lMask) =>
        layers[stage].EmitFusion(g, $"{prefix}.layers.{stage}", x, height, width, l, lMask, nextStage: stage == 3 ? null : (fused, h, w) =>
        {
            int first = encoder.FirstBlock(stage + 1);
            long channels = ResNetImageEncoder.StageChannels[stage + 1];
            string down = encoder.EmitBlocks(g, $"{prefix}.encoder", first, first + 1, EmitMap(g, fused, ResNetImageEncoder.StageChannels[stage], h, w));
            long nextHeight = StridedSide(h), nextWidth = StridedSide(w);
            return (EmitTokens(g, down, channels, nextHeight, nextWidth), nextHeight, nextWidth);
        });

    // 7×7 stride-2 convolution padded 3/2, then 3×3 stride-2 max-pool padded 1/0.
    private static long StemSide(long side) => StridedSide((side + 5 - 7) / 2 + 1);

    // A 3×3 stride-2 convolution padded 1 before, 0 after.
    private static long StridedSide(long side) => (side + 1 - 3) / 2 + 1;

    private static string EmitTokens(OnnxGraphBuilder g, string map, long channels, long height, long width) =>
        g.Transpose(g.Reshape(map, -1, channels, height * width), 0, 2, 1);

    private static string EmitMap(OnnxGraphBuilder g, string tokens, long channels, long height, long width) =>
        g.Reshape(g.Transpose(tokens, 0, 2, 1), -1, channels, height, width);
}
