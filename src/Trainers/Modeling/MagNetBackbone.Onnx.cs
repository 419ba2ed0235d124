using MagNet.ML.Export;
using Onnx;

namespace MagNet.ML.Modeling;

public sealed partial class MagNetBackbone
{
    /// <summary>
    /// Emits the interleaved forward of <see cref="Forward"/> on the graph inputs (image [B, 3, S, S], int64 ids and
    /// mask [B, T]) and returns the decoder features Y_1..Y_4. Nothing that only the training losses read is emitted:
    /// the stage-4 language fusion (its output feeds no later stage) and the output norms are left out.
    /// </summary>
    internal static IReadOnlyList<OnnxFeature> EmitOnnx(OnnxGraphBuilder g, IOnnxImageEncoder imageModel, MultiModalBert languageModel,
        string imagePrefix, string languagePrefix, string image, string inputIds, string attentionMask, long imageSize, long tokens)
    {
        var (x, height, width) = imageModel.EmitStem(g, imagePrefix, image, imageSize);
        string extended = MultiModalBert.EmitExtendedAttentionMask(g, attentionMask);
        string l = languageModel.EmitEmbeddings(g, languagePrefix, inputIds, tokens);
        string wordMask = g.Unsqueeze(g.Cast(attentionMask, TensorProto.Types.DataType.Float), 2);   // [B, T, 1]
        string queryMask = languageModel.EmitPwamQueryMask(g, attentionMask, extended);             // [B, 1, T]

        var features = new OnnxFeature[4];
        for (int stage = 0; stage < 4; stage++)
        {
            x = imageModel.EmitStage(g, imagePrefix, stage, x, height, width);
            l = languageModel.EmitGroup(g, languagePrefix, stage, l, extended);
            var fused = imageModel.EmitFusion(g, imagePrefix, stage, x, height, width, g.Transpose(l, 0, 2, 1), wordMask);
            if (stage < 3) l = languageModel.EmitFusion(g, languagePrefix, stage, l, x, queryMask);
            features[stage] = fused.Feature;
            if (fused.Next is not null)
            {
                x = fused.Next;
                height = fused.NextHeight;
                width = fused.NextWidth;
            }
        }
        return features;
    }
}
