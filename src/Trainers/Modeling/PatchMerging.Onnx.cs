using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class PatchMerging
{
    /// <summary>
    /// Emits the merge of <paramref name="x"/> [B, H·W, C]: zero pad odd sizes, the four strided slices concatenated
    /// as <see cref="forward"/> orders them, <c>norm</c>, <c>reduction</c>. Returns [B, ⌈H/2⌉·⌈W/2⌉, 2C].
    /// </summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string x, long height, long width)
    {
        using var scope = g.Scope(prefix);
        long c = norm.normalized_shape[0] / 4;
        string map = g.Reshape(x, -1, height, width, c);
        if (height % 2 == 1 || width % 2 == 1) map = g.Pad(map, 0, 0, 0, 0, 0, height % 2, width % 2, 0);
        long paddedHeight = height + height % 2, paddedWidth = width + width % 2;
        string Part(long row, long col) => g.Slice(map, [row, col], [paddedHeight, paddedWidth], [1, 2], [2, 2]);
        string merged = g.Reshape(g.Concat(-1, Part(0, 0), Part(1, 0), Part(0, 1), Part(1, 1)), -1, paddedHeight / 2 * (paddedWidth / 2), 4 * c);
        return g.Linear(g.LayerNorm(merged, norm, $"{prefix}.norm"), reduction, $"{prefix}.reduction");
    }
}
