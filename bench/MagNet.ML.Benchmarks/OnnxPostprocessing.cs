using System.Reflection;

namespace MagNet.ML.Benchmarks;

/// <summary>
/// The ONNX transform's own per-row post-processing (mask logits → probability and mask at the image size, class
/// logits → score), called directly so that the raw-session path does exactly the work the transform does after a
/// run. The methods are internal to MagNet.ML.Transforms and are bound once by reflection.
/// </summary>
internal static class OnnxPostprocessing
{
    private delegate (float[] Probability, byte[] Mask) MaskFunction(ReadOnlySpan<float> logits, int logitHeight, int logitWidth, int height, int width, float threshold);

    private delegate float ScoreFunction(ReadOnlySpan<float> classLogits);

    private const string TypeName = "MagNet.ML.Onnx.SegmentationPostprocessing";

    private static readonly Type Postprocessing = typeof(ReferringSegmentationOnnxEstimator).Assembly.GetType(TypeName)
        ?? throw new InvalidOperationException($"{TypeName} is not in {typeof(ReferringSegmentationOnnxEstimator).Assembly.GetName().Name}; update the benchmark.");

    private static readonly MaskFunction MaskOf = Bind<MaskFunction>("Mask");

    private static readonly ScoreFunction ScoreOf = Bind<ScoreFunction>("Score");

    /// <summary>Probability map and 0/1 mask at <paramref name="height"/> × <paramref name="width"/>, as the transform computes them.</summary>
    public static (float[] Probability, byte[] Mask) Mask(ReadOnlySpan<float> logits, int logitHeight, int logitWidth, int height, int width, float threshold) =>
        MaskOf(logits, logitHeight, logitWidth, height, width, threshold);

    /// <summary>The target-present score, as the transform computes it.</summary>
    public static float Score(ReadOnlySpan<float> classLogits) => ScoreOf(classLogits);

    private static T Bind<T>(string name) where T : Delegate
    {
        var method = Postprocessing.GetMethod(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{TypeName}.{name} is missing; update the benchmark.");
        return method.CreateDelegate<T>();
    }
}
