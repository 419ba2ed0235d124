using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class ResNetImageEncoder
{
    /// <summary>
    /// Emits the stem (see <see cref="ForwardStem"/>) on <paramref name="image"/> [B, 3, H, W] in the network's pixel
    /// convention: the norm folded into the 7×7 convolution, ReLU, and a max-pool whose padding (1 before, 0 after) ONNX
    /// fills with −∞, equal to zero padding after the ReLU.
    /// </summary>
    internal string EmitStem(OnnxGraphBuilder g, string prefix, string image)
    {
        string x = g.Relu(g.ConvWithFrozenNorm(image, stem_conv, stem_bn, $"{prefix}.stem_conv"));
        return g.MaxPool(x, [3, 3], [2, 2], [1, 1, 0, 0]);
    }

    /// <summary>Emits blocks <paramref name="from"/> to <paramref name="to"/> (exclusive; see <see cref="ForwardBlocks"/>) on the map <paramref name="x"/>.</summary>
    internal string EmitBlocks(OnnxGraphBuilder g, string prefix, int from, int to, string x)
    {
        for (int b = from; b < to; b++) x = blocks[b].EmitOnnx(g, $"{prefix}.blocks.{b}", x);
        return x;
    }
}
