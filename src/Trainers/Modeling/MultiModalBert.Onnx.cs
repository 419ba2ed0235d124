using MagNet.ML.Export;
using Onnx;

namespace MagNet.ML.Modeling;

public sealed partial class MultiModalBert
{
    /// <summary>Emits BERT's additive mask (1 − m)·(−10000) [B, 1, 1, T] from the int64 <paramref name="attentionMask"/> [B, T].</summary>
    internal static string EmitExtendedAttentionMask(OnnxGraphBuilder g, string attentionMask)
    {
        string mask = g.Unsqueeze(g.Cast(attentionMask, TensorProto.Types.DataType.Float), 1, 2);
        return g.Mul(g.Sub(g.Scalar(1f), mask), g.Scalar(-10000f));
    }

    /// <summary>Emits the language PWAMs' query mask [B, 1, T] (see <see cref="PwamQueryMask"/>).</summary>
    internal string EmitPwamQueryMask(OnnxGraphBuilder g, string attentionMask, string extendedMask) =>
        pwamMaskQuirk
            ? g.Squeeze(extendedMask, 1)
            : g.Unsqueeze(g.Cast(attentionMask, TensorProto.Types.DataType.Float), 1);

    /// <summary>Emits the token embeddings [B, T, D] of <paramref name="inputIds"/> [B, <paramref name="tokens"/>].</summary>
    internal string EmitEmbeddings(OnnxGraphBuilder g, string prefix, string inputIds, long tokens) =>
        embeddings.EmitOnnx(g, $"{prefix}.embeddings", inputIds, tokens);

    /// <summary>Emits the BERT layers of group <paramref name="stage"/> (0-based; see <see cref="ForwardGroup"/>).</summary>
    internal string EmitGroup(OnnxGraphBuilder g, string prefix, int stage, string l, string extendedMask)
    {
        int start = stage == 0 ? 0 : config.PwamIdx[stage - 1], end = config.PwamIdx[stage];
        for (int k = start; k < end; k++)
            l = encoder[k].EmitOnnx(g, $"{prefix}.encoder.layer.{k}", l, extendedMask);
        return l;
    }

    /// <summary>
    /// Emits the language-side fusion of stage <paramref name="stage"/> (see <see cref="ForwardFusion"/>):
    /// l + res_gate(M)·M with M the PWAM output. The discarded <c>norms</c> output is not emitted.
    /// </summary>
    internal string EmitFusion(OnnxGraphBuilder g, string prefix, int stage, string l, string pixels, string queryMask)
    {
        using var scope = g.Scope($"{prefix}.pwams.{stage}");
        string pwam = pwams[stage].EmitOnnx(g, $"{prefix}.pwams.{stage}", l, pixels, queryMask);
        string gate = OnnxSequential.Emit(g, res_gates[stage], $"{prefix}.res_gates.{stage}", pwam);
        return g.Add(l, g.Mul(gate, pwam));
    }
}
