using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class PatchEmbed
{
    /// <summary>
    /// Emits the stem on <paramref name="image"/> [B, in, <paramref name="height"/>, <paramref name="width"/>]: zero pad
    /// to patch multiples, <c>proj</c>, then (with patch_norm) <c>norm</c> over channels. Returns the tokens
    /// [B, h·w, C] (the flattened layout the stem hands to stage 1) and the token grid size.
    /// </summary>
    internal (string Tokens, long Height, long Width) EmitOnnx(OnnxGraphBuilder g, string prefix, string image, long height, long width)
    {
        using var scope = g.Scope(prefix);
        long padRight = width % patchSize == 0 ? 0 : patchSize - width % patchSize;
        long padBottom = height % patchSize == 0 ? 0 : patchSize - height % patchSize;
        string x = padRight > 0 || padBottom > 0 ? g.Pad(image, 0, 0, 0, 0, 0, 0, padBottom, padRight) : image;
        string y = g.Conv(x, proj, $"{prefix}.proj");
        long h = (height + padBottom) / patchSize, w = (width + padRight) / patchSize;
        string tokens = g.Transpose(g.Reshape(y, 0, embedDim, h * w), 0, 2, 1);
        if (norm is not null) tokens = g.LayerNorm(tokens, norm, $"{prefix}.norm");
        return (tokens, h, w);
    }
}
