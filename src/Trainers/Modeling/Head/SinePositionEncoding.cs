using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// The normalised 2-D sine position encoding of DETR / Mask2Former (<c>PositionEmbeddingSine(normalize=True)</c>)
/// for an unpadded feature map: row and column indices are counted from 1, divided by (last + 1e-6) and scaled by 2π;
/// channel k of each half uses the frequency <c>temperature^(2·⌊k/2⌋/numPosFeats)</c>, so channels 2j and 2j+1 share
/// a frequency and hold its sine and cosine; the output is <c>[pos_y ; pos_x]</c>, <c>2·numPosFeats</c> channels.
/// </summary>
public static class SinePositionEncoding
{
    /// <summary>Default temperature of the frequencies.</summary>
    public const double DefaultTemperature = 10000;

    /// <summary>
    /// Computes the encoding of an <paramref name="height"/>×<paramref name="width"/> map as a float32 tensor of shape
    /// [1, 2·<paramref name="numPosFeats"/>, height, width] (identical for every batch element).
    /// </summary>
    /// <param name="height">Rows of the feature map.</param>
    /// <param name="width">Columns of the feature map.</param>
    /// <param name="numPosFeats">Channels per axis (half the output channels).</param>
    /// <param name="device">Device of the result (CPU when null).</param>
    /// <param name="temperature">Frequency base.</param>
    public static Tensor Compute(long height, long width, long numPosFeats, Device? device = null, double temperature = DefaultTemperature)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException($"The feature map must be non-empty; got {height}x{width}.");
        if (numPosFeats <= 0 || numPosFeats % 2 != 0) throw new ArgumentException($"numPosFeats must be positive and even; got {numPosFeats}.", nameof(numPosFeats));
        using var scope = NewDisposeScope();
        const double eps = 1e-6;
        double scale = 2 * Math.PI;
        var notMask = ones(new long[] { 1, height, width }, ScalarType.Float32, device);
        var yEmbed = notMask.cumsum(1, ScalarType.Float32);
        var xEmbed = notMask.cumsum(2, ScalarType.Float32);
        yEmbed = yEmbed / (yEmbed.narrow(1, height - 1, 1) + eps) * scale;
        xEmbed = xEmbed / (xEmbed.narrow(2, width - 1, 1) + eps) * scale;

        var dimT = arange(numPosFeats, ScalarType.Float32, device);
        dimT = pow(tensor((float)temperature, ScalarType.Float32, device), 2 * dimT.floor_divide(2) / numPosFeats);

        var posX = Interleave(xEmbed.unsqueeze(-1) / dimT);
        var posY = Interleave(yEmbed.unsqueeze(-1) / dimT);
        return cat(new[] { posY, posX }, 3).permute(0, 3, 1, 2).MoveToOuterDisposeScope();
    }

    // [..., F] -> [..., F]: sine of the even channels and cosine of the odd ones, kept in channel order.
    private static Tensor Interleave(Tensor angles)
    {
        var even = angles.index(TensorIndex.Ellipsis, TensorIndex.Slice(0, null, 2)).sin();
        var odd = angles.index(TensorIndex.Ellipsis, TensorIndex.Slice(1, null, 2)).cos();
        return stack(new[] { even, odd }, 4).flatten(3);
    }
}
