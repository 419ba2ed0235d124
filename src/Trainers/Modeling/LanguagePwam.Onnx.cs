using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class LanguagePwam
{
    /// <summary>
    /// Emits the language-side PWAM (see <see cref="ForwardWithAttention"/>) for words <paramref name="x"/> [B, T, dim],
    /// pixels <paramref name="pixels"/> [B, HW, C] and the query mask <paramref name="queryMask"/> [B, 1, T].
    /// </summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string x, string pixels, string queryMask)
    {
        using var scope = g.Scope(prefix);
        string vis = OnnxSequential.Emit(g, vis_project, $"{prefix}.vis_project", x);
        string attention = image_lang_att.EmitOnnx(g, $"{prefix}.image_lang_att", x, pixels, queryMask);
        string mm = OnnxSequential.Emit(g, project_mm, $"{prefix}.project_mm", g.Transpose(g.Mul(vis, attention), 0, 2, 1));
        return g.Transpose(mm, 0, 2, 1);
    }
}
