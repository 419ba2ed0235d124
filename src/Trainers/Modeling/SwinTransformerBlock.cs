using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// One Swin block (mmseg/official style): <c>norm1</c> → zero-pad to window multiples → (cyclic shift) → window attention
/// → merge, un-shift, crop → residual with drop path; then <c>norm2</c> → <c>mlp</c> → residual with drop path.
/// </summary>
public sealed partial class SwinTransformerBlock : nn.Module
{
#pragma warning disable IDE1006 // state-dict names
    private readonly LayerNorm norm1;
    private readonly WindowAttention attn;
    private readonly DropPath drop_path;
    private readonly LayerNorm norm2;
    private readonly SwinMlp mlp;
#pragma warning restore IDE1006
    private readonly int windowSize;
    private readonly int shiftSize;

    /// <summary>Creates a block; <paramref name="shiftSize"/> is 0 (regular windows) or window/2 (shifted).</summary>
    public SwinTransformerBlock(int dim, int numHeads, int windowSize, int shiftSize, double mlpRatio, bool qkvBias,
        double? qkScale, double drop, double attnDrop, double dropPath) : base(nameof(SwinTransformerBlock))
    {
        this.windowSize = windowSize;
        this.shiftSize = shiftSize;
        norm1 = nn.LayerNorm(dim);
        attn = new WindowAttention(dim, windowSize, numHeads, qkvBias, qkScale, attnDrop, drop);
        drop_path = new DropPath(dropPath);
        norm2 = nn.LayerNorm(dim);
        mlp = new SwinMlp(dim, (long)(dim * mlpRatio), drop);
        RegisterComponents();
    }

    /// <summary>Cyclic shift of this block (0 for regular windows).</summary>
    public int ShiftSize => shiftSize;

    /// <summary>
    /// Runs the block on <paramref name="x"/> [B, H·W, C]. <paramref name="shiftMask"/> is the stage's
    /// <see cref="SwinWindows.ShiftedWindowMask"/> (used only when this block is shifted).
    /// </summary>
    public Tensor forward(Tensor x, long height, long width, Tensor shiftMask)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], c = x.shape[2];
        var h = norm1.call(x).view(b, height, width, c);
        long padRight = (windowSize - width % windowSize) % windowSize;
        long padBottom = (windowSize - height % windowSize) % windowSize;
        if (padRight > 0 || padBottom > 0) h = nn.functional.pad(h, [0, 0, 0, padRight, 0, padBottom]);
        long paddedHeight = height + padBottom, paddedWidth = width + padRight;

        var shifted = shiftSize > 0 ? torch.roll(h, [-shiftSize, -shiftSize], [1, 2]) : h;
        var windows = SwinWindows.Partition(shifted, windowSize).view(-1, windowSize * windowSize, c);
        var attended = attn.call(windows, shiftSize > 0 ? shiftMask : null).view(-1, windowSize, windowSize, c);
        shifted = SwinWindows.Merge(attended, windowSize, paddedHeight, paddedWidth);
        h = shiftSize > 0 ? torch.roll(shifted, [shiftSize, shiftSize], [1, 2]) : shifted;
        if (padRight > 0 || padBottom > 0)
            h = h[TensorIndex.Colon, TensorIndex.Slice(0, height), TensorIndex.Slice(0, width), TensorIndex.Colon].contiguous();
        h = h.view(b, height * width, c);

        var y = x + drop_path.call(h);
        y = y + drop_path.call(mlp.call(norm2.call(y)));
        return y.MoveToOuterDisposeScope();
    }
}
