using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class SwinTransformerBlock
{
    /// <summary>
    /// Emits the block on <paramref name="x"/> [B, H·W, C] as <see cref="forward"/> computes it. The sizes are static
    /// (the image size is fixed per model), so padding, shifts (rolls written as slices) and window partitions are
    /// constant-shaped; only the batch is dynamic. <paramref name="shiftMask"/> is the stage's additive mask
    /// [1, windows, 1, w², w²] (read only by shifted blocks).
    /// </summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string x, long height, long width, string? shiftMask)
    {
        using var scope = g.Scope(prefix);
        long c = norm1.normalized_shape[0];
        string h = g.Reshape(g.LayerNorm(x, norm1, $"{prefix}.norm1"), -1, height, width, c);
        long padRight = (windowSize - width % windowSize) % windowSize;
        long padBottom = (windowSize - height % windowSize) % windowSize;
        if (padRight > 0 || padBottom > 0) h = g.Pad(h, 0, 0, 0, 0, 0, padBottom, padRight, 0);
        long paddedHeight = height + padBottom, paddedWidth = width + padRight;
        long rows = paddedHeight / windowSize, cols = paddedWidth / windowSize;

        string shifted = h;
        if (shiftSize > 0)
            shifted = g.Roll(g.Roll(h, -shiftSize, 1, paddedHeight), -shiftSize, 2, paddedWidth);
        string windows = g.Reshape(g.Transpose(g.Reshape(shifted, -1, rows, windowSize, cols, windowSize, c), 0, 1, 3, 2, 4, 5),
            -1, windowSize * windowSize, c);
        if (shiftSize > 0 && shiftMask is null) throw new InvalidOperationException($"ONNX export of '{prefix}': a shifted block needs the stage's window mask.");
        string attended = attn.EmitOnnx(g, $"{prefix}.attn", windows, shiftSize > 0 ? shiftMask : null, rows * cols, windowSize * windowSize, c);
        string merged = g.Reshape(g.Transpose(g.Reshape(attended, -1, rows, cols, windowSize, windowSize, c), 0, 1, 3, 2, 4, 5),
            -1, paddedHeight, paddedWidth, c);
        if (shiftSize > 0)
            merged = g.Roll(g.Roll(merged, shiftSize, 1, paddedHeight), shiftSize, 2, paddedWidth);
        if (padRight > 0 || padBottom > 0) merged = g.Slice(merged, [0, 0], [height, width], [1, 2]);
        string y = g.Add(x, g.Reshape(merged, -1, height * width, c));
        return g.Add(y, mlp.EmitOnnx(g, $"{prefix}.mlp", g.LayerNorm(y, norm2, $"{prefix}.norm2")));
    }
}
