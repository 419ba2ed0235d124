using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// Image-side pixel-word attention module (PWAM): <c>vis_project</c> (Conv1x1 → GELU → dropout) of the pixels,
/// multiplied by <c>image_lang_att</c> (<see cref="ImageLanguageAttention"/>), then <c>project_mm</c>
/// (Conv1x1 → GELU → dropout).
/// </summary>
public sealed partial class ImagePwam : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    private readonly Sequential vis_project;
    private readonly ImageLanguageAttention image_lang_att;
    private readonly Sequential project_mm;
#pragma warning restore IDE1006

    /// <summary>Creates a PWAM of pixel width <paramref name="dim"/> reading words of width <paramref name="lInChannels"/>.</summary>
    public ImagePwam(int dim, int vInChannels, int lInChannels, int keyChannels, int valueChannels, int numHeads, double dropout)
        : base(nameof(ImagePwam))
    {
        vis_project = nn.Sequential(nn.Conv1d(dim, dim, 1), nn.GELU(), nn.Dropout(dropout));
        image_lang_att = new ImageLanguageAttention(vInChannels, lInChannels, keyChannels, valueChannels, valueChannels, numHeads);
        project_mm = nn.Sequential(nn.Conv1d(valueChannels, valueChannels, 1), nn.GELU(), nn.Dropout(dropout));
        RegisterComponents();
    }

    /// <summary>The PWAM output [B, HW, dim] for pixels <paramref name="x"/> [B, HW, dim], words <paramref name="l"/> [B, D, T], mask [B, T, 1].</summary>
    public override Tensor forward(Tensor x, Tensor l, Tensor lMask) => ForwardWithAttention(x, l, lMask).Output;

    /// <summary>Like <see cref="forward"/>, also returning the attention output [B, HW, dim] (both owned by the caller's scope).</summary>
    public (Tensor Output, Tensor Attention) ForwardWithAttention(Tensor x, Tensor l, Tensor lMask)
    {
        using var scope = NewDisposeScope();
        var vis = vis_project.call(x.permute(0, 2, 1));                      // [B, dim, HW]
        var attention = image_lang_att.call(x, l, lMask);                     // [B, HW, dim]
        var mm = project_mm.call(vis * attention.permute(0, 2, 1)).permute(0, 2, 1);
        return (mm.MoveToOuterDisposeScope(), attention.MoveToOuterDisposeScope());
    }
}
