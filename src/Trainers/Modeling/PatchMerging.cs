using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// Swin down-sampling: pads odd sizes, concatenates the 2×2 neighbours [x(0::2,0::2), x(1::2,0::2), x(0::2,1::2),
/// x(1::2,1::2)] → <c>norm</c> LayerNorm(4C) → <c>reduction</c> Linear(4C, 2C, no bias).
/// </summary>
public sealed partial class PatchMerging : nn.Module
{
#pragma warning disable IDE1006 // state-dict names
    private readonly Linear reduction;
    private readonly LayerNorm norm;
#pragma warning restore IDE1006

    /// <summary>Creates the merge for input width <paramref name="dim"/>.</summary>
    public PatchMerging(int dim) : base(nameof(PatchMerging))
    {
        reduction = nn.Linear(4 * dim, 2 * dim, hasBias: false);
        norm = nn.LayerNorm(4 * dim);
        RegisterComponents();
    }

    /// <summary>Output size of one side: ceil(<paramref name="size"/> / 2).</summary>
    public static long OutputSize(long size) => (size + 1) / 2;

    /// <summary>Merges <paramref name="x"/> [B, H·W, C] into [B, ceil(H/2)·ceil(W/2), 2C].</summary>
    public Tensor forward(Tensor x, long height, long width)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], c = x.shape[2];
        var map = x.view(b, height, width, c);
        if (height % 2 == 1 || width % 2 == 1) map = nn.functional.pad(map, [0, 0, 0, width % 2, 0, height % 2]);
        var even = TensorIndex.Slice(0, null, 2);
        var odd = TensorIndex.Slice(1, null, 2);
        var x0 = map[TensorIndex.Colon, even, even, TensorIndex.Colon];
        var x1 = map[TensorIndex.Colon, odd, even, TensorIndex.Colon];
        var x2 = map[TensorIndex.Colon, even, odd, TensorIndex.Colon];
        var x3 = map[TensorIndex.Colon, odd, odd, TensorIndex.Colon];
        var merged = torch.cat([x0, x1, x2, x3], -1).view(b, -1, 4 * c);
        return reduction.call(norm.call(merged)).MoveToOuterDisposeScope();
    }
}
