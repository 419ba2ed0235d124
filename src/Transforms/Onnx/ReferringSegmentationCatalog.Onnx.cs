using Microsoft.ML;

namespace MagNet.ML;

public static partial class ReferringSegmentationCatalog
{
    /// <summary>
    /// Segments what an expression refers to with an ONNX model (exported by <c>MagNetOnnxExporter</c> or by the
    /// official PyTorch code), through ONNX Runtime — no libtorch. Appends <c>PredictedMask</c> (vector of Byte,
    /// 0/1), <c>Probability</c> (vector of Single) at the original image size and, when the model has class logits,
    /// <c>Score</c> (Single). See <see cref="ReferringSegmentationOnnxEstimator"/>.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="modelPath">The ONNX model file.</param>
    /// <param name="gpuDeviceId">GPU to run on; null uses <c>MLContext.GpuDeviceId</c> (the CPU when that is null too).</param>
    /// <param name="fallbackToCpu">Run on the CPU if the GPU cannot be used, instead of failing.</param>
    /// <param name="imageColumnName">Image column: MLImage, or preprocessed pixels (vector of Single [3, S, S]).</param>
    /// <param name="expressionColumnName">Text column of the referring expression.</param>
    /// <param name="predictedMaskColumnName">Output mask column.</param>
    /// <param name="probabilityColumnName">Output probability column.</param>
    /// <param name="scoreColumnName">Output score column (only when the model has class logits).</param>
    public static ReferringSegmentationOnnxEstimator ApplyReferringSegmentationOnnx(this TransformsCatalog catalog,
        string modelPath,
        int? gpuDeviceId = null,
        bool fallbackToCpu = false,
        string imageColumnName = ReferringColumnNames.Image,
        string expressionColumnName = ReferringColumnNames.Expression,
        string predictedMaskColumnName = ReferringColumnNames.PredictedMask,
        string probabilityColumnName = ReferringColumnNames.Probability,
        string scoreColumnName = ReferringColumnNames.Score)
        => catalog.ApplyReferringSegmentationOnnx(new ReferringSegmentationOnnxEstimator.Options
        {
            ModelPath = modelPath,
            GpuDeviceId = gpuDeviceId,
            FallbackToCpu = fallbackToCpu,
            ImageColumnName = imageColumnName,
            ExpressionColumnName = expressionColumnName,
            PredictedMaskColumnName = predictedMaskColumnName,
            ProbabilityColumnName = probabilityColumnName,
            ScoreColumnName = scoreColumnName,
        });

    /// <summary>Segments with an ONNX model configured by <paramref name="options"/> (names, sizes, batch, threshold, device).</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">Model path, columns, model input/output names, sizes, batch size, threshold, device.</param>
    public static ReferringSegmentationOnnxEstimator ApplyReferringSegmentationOnnx(this TransformsCatalog catalog, ReferringSegmentationOnnxEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ReferringSegmentationOnnxEstimator(catalog, options, modelBytes: null);
    }
}
