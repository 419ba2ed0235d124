namespace MagNet.ML.Export;

/// <summary>The ONNX counterpart of <see cref="Modeling.IMultiModalImageEncoder"/>: each stage-wise step emitted into a graph.</summary>
internal interface IOnnxImageEncoder
{
    /// <summary>Emits the stem on <paramref name="image"/> [B, 3, S, S]: tokens [B, h·w, C₀] and the map size.</summary>
    (string Tokens, long Height, long Width) EmitStem(OnnxGraphBuilder g, string prefix, string image, long imageSize);

    /// <summary>Emits the blocks of stage <paramref name="stage"/> on tokens <paramref name="x"/> [B, H·W, C].</summary>
    string EmitStage(OnnxGraphBuilder g, string prefix, int stage, string x, long height, long width);

    /// <summary>Emits the fusion step of stage <paramref name="stage"/>: the decoder feature and the next stage's input.</summary>
    OnnxImageStage EmitFusion(OnnxGraphBuilder g, string prefix, int stage, string x, long height, long width, string l, string lMask);
}
