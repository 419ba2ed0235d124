using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>Window partition/merge and the shifted-window attention mask of the Swin transformer.</summary>
public static class SwinWindows
{
    /// <summary>Splits [B, H, W, C] into [B·(H/w)·(W/w), w, w, C] windows (H and W multiples of w).</summary>
    public static Tensor Partition(Tensor x, long windowSize)
    {
        long b = x.shape[0], h = x.shape[1], w = x.shape[2], c = x.shape[3];
        using var scope = NewDisposeScope();
        return x.view(b, h / windowSize, windowSize, w / windowSize, windowSize, c)
            .permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, windowSize, windowSize, c).MoveToOuterDisposeScope();
    }

    /// <summary>Inverse of <see cref="Partition"/>: [B·(H/w)·(W/w), w, w, C] → [B, H, W, C].</summary>
    public static Tensor Merge(Tensor windows, long windowSize, long h, long w)
    {
        long b = windows.shape[0] / (h * w / windowSize / windowSize);
        using var scope = NewDisposeScope();
        return windows.view(b, h / windowSize, w / windowSize, windowSize, windowSize, -1)
            .permute(0, 1, 3, 2, 4, 5).contiguous().view(b, h, w, -1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The additive attention mask [windows, w², w²] for windows shifted by <paramref name="shift"/> on a map padded to
    /// <paramref name="paddedHeight"/>×<paramref name="paddedWidth"/>: the map is cut into the regions [0, P−w),
    /// [P−w, P−s), [P−s, P) per axis (the first may be empty), and a pair of positions gets −100 when their regions
    /// differ, else 0.
    /// </summary>
    public static Tensor ShiftedWindowMask(long paddedHeight, long paddedWidth, long windowSize, long shift, Device? device = null)
    {
        var regions = new float[paddedHeight * paddedWidth];
        for (long i = 0; i < paddedHeight; i++)
            for (long j = 0; j < paddedWidth; j++)
                regions[i * paddedWidth + j] = Region(i, paddedHeight, windowSize, shift) * 3 + Region(j, paddedWidth, windowSize, shift);
        using var scope = NewDisposeScope();
        var map = torch.tensor(regions, [1, paddedHeight, paddedWidth, 1], device: device);
        var windows = Partition(map, windowSize).view(-1, windowSize * windowSize);
        var difference = windows.unsqueeze(1) - windows.unsqueeze(2);
        var mask = torch.where(difference.ne(0), torch.tensor(-100f, device: device), torch.tensor(0f, device: device));
        return mask.MoveToOuterDisposeScope();
    }

    private static int Region(long index, long size, long windowSize, long shift) =>
        index < size - windowSize ? 0 : index < size - shift ? 1 : 2;
}
