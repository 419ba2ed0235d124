using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// Language-side PWAM: <c>vis_project</c> (Linear → GELU → dropout, on the words despite its name) multiplied by
/// <c>image_lang_att</c> (<see cref="LanguageImageAttention"/>), then <c>project_mm</c> (Conv1x1 → GELU → dropout).
/// </summary>
public sealed partial class LanguagePwam : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    private readonly Sequential vis_project;
    private readonly LanguageImageAttention image_lang_att;
    private readonly Sequential project_mm;
#pragma warning restore IDE1006

    /// <summary>Creates a PWAM of word width <paramref name="dim"/> reading pixels of width <paramref name="lInChannels"/>.</summary>
    public LanguagePwam(int dim, int vInChannels, int lInChannels, int keyChannels, int valueChannels, int numHeads, double dropout)
        : base(nameof(LanguagePwam))
    {
        vis_project = nn.Sequential(nn.Linear(dim, dim), nn.GELU(), nn.Dropout(dropout));
        image_lang_att = new LanguageImageAttention(vInChannels, lInChannels, keyChannels, valueChannels, valueChannels, numHeads);
        project_mm = nn.Sequential(nn.Conv1d(valueChannels, valueChannels, 1), nn.GELU(), nn.Dropout(dropout));
        RegisterComponents();
    }

    /// <summary>The PWAM output M_l [B, T, dim] for words <paramref name="x"/> [B, T, dim], pixels [B, HW, C], query mask [B, 1, T].</summary>
    public override Tensor forward(Tensor x, Tensor pixels, Tensor queryMask) => ForwardWithAttention(x, pixels, queryMask).Output;

    /// <summary>Like <see cref="forward"/>, also returning the attention output [B, T, dim] (both owned by the caller's scope).</summary>
    public (Tensor Output, Tensor Attention) ForwardWithAttention(Tensor x, Tensor pixels, Tensor queryMask)
    {
        using var scope = NewDisposeScope();
        var vis = vis_project.call(x);                                       // [B, T, dim]
        var attention = image_lang_att.call(x, pixels, queryMask);           // [B, T, dim]
        var mm = project_mm.call((vis * attention).permute(0, 2, 1)).permute(0, 2, 1);
        return (mm.MoveToOuterDisposeScope(), attention.MoveToOuterDisposeScope());
    }
}
