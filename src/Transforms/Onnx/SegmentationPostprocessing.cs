namespace MagNet.ML.Onnx;

/// <summary>
/// Turns a model's outputs for one example into the transform's columns: the probability map and 0/1 mask at the
/// original image size, and the target-present score.
/// </summary>
internal static class SegmentationPostprocessing
{
    /// <summary>
    /// Mask logits [h, w] → bilinear resize with aligned corners to [<paramref name="height"/>, <paramref name="width"/>]
    /// → sigmoid (the probability) → probability &gt; <paramref name="threshold"/> (the mask, 1/0).
    /// </summary>
    public static (float[] Probability, byte[] Mask) Mask(ReadOnlySpan<float> logits, int logitHeight, int logitWidth, int height, int width, float threshold)
    {
        var probability = new float[height * width];
        AlignedCornersBilinear.Resize(logits, logitHeight, logitWidth, probability, height, width);
        var mask = new byte[probability.Length];
        for (int i = 0; i < probability.Length; i++)
        {
            float p = 1f / (1f + MathF.Exp(-probability[i]));
            probability[i] = p;
            mask[i] = p > threshold ? (byte)1 : (byte)0;
        }
        return (probability, mask);
    }

    /// <summary>1 − softmax(<paramref name="classLogits"/>)[last]: the probability that the query is an object rather than "no object".</summary>
    public static float Score(ReadOnlySpan<float> classLogits)
    {
        float max = float.NegativeInfinity;
        foreach (float v in classLogits) max = MathF.Max(max, v);
        double total = 0, objects = 0;
        for (int k = 0; k < classLogits.Length; k++)
        {
            double e = Math.Exp(classLogits[k] - max);
            total += e;
            if (k < classLogits.Length - 1) objects += e;
        }
        return (float)(objects / total);
    }
}
