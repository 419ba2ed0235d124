using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class ImagePwam
{
    /// <summary>
    /// Emits the PWAM (see <see cref="ForwardWithAttention"/>) for pixels <paramref name="x"/> [B, HW, dim], words
    /// <paramref name="l"/> [B, D, T] and the 0/1 mask <paramref name="lMask"/> [B, T, 1]; returns [B, HW, dim].
    /// </summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string x, string l, string lMask)
    {
        using var scope = g.Scope(prefix);
        string vis = OnnxSequential.Emit(g, vis_project, $"{prefix}.vis_project", g.Transpose(x, 0, 2, 1));
        string attention = image_lang_att.EmitOnnx(g, $"{prefix}.image_lang_att", x, l, lMask);
        string mm = OnnxSequential.Emit(g, project_mm, $"{prefix}.project_mm", g.Mul(vis, g.Transpose(attention, 0, 2, 1)));
        return g.Transpose(mm, 0, 2, 1);
    }
}
