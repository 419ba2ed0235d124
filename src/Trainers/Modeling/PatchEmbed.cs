using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// The Swin stem: zero-pads the image to a multiple of the patch size, <c>proj</c> Conv2d(in, C, patch, stride patch),
/// then (with patch_norm) <c>norm</c> LayerNorm over channels. Output [B, C, H/patch, W/patch].
/// </summary>
public sealed partial class PatchEmbed : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    private readonly Conv2d proj;
    private readonly LayerNorm? norm;
#pragma warning restore IDE1006
    private readonly int patchSize;
    private readonly int embedDim;

    /// <summary>Creates the stem.</summary>
    public PatchEmbed(int patchSize, int inChans, int embedDim, bool patchNorm) : base(nameof(PatchEmbed))
    {
        this.patchSize = patchSize;
        this.embedDim = embedDim;
        proj = nn.Conv2d(inChans, embedDim, kernel_size: patchSize, stride: patchSize);
        norm = patchNorm ? nn.LayerNorm(embedDim) : null;
        RegisterComponents();
    }

    /// <summary>Embeds <paramref name="x"/> [B, in, H, W] into [B, C, ceil(H/patch), ceil(W/patch)].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long height = x.shape[2], width = x.shape[3];
        var padded = x;
        if (width % patchSize != 0) padded = nn.functional.pad(padded, [0, patchSize - width % patchSize]);
        if (height % patchSize != 0) padded = nn.functional.pad(padded, [0, 0, 0, patchSize - height % patchSize]);
        var y = proj.call(padded);
        if (norm is not null)
        {
            long wh = y.shape[2], ww = y.shape[3];
            y = norm.call(y.flatten(2).transpose(1, 2)).transpose(1, 2).view(-1, embedDim, wh, ww);
        }
        return y.MoveToOuterDisposeScope();
    }
}
