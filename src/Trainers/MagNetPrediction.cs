namespace MagNet.ML;

/// <summary>The result of <see cref="MagNetTransformer.Predict"/> for one image and expression.</summary>
public sealed class MagNetPrediction
{
    internal MagNetPrediction(BinaryMask mask, float[] probability, float score)
    {
        Mask = mask;
        Probability = probability;
        Score = score;
    }

    /// <summary>Width of the image (and of the mask and probability map).</summary>
    public int Width => Mask.Width;

    /// <summary>Height of the image (and of the mask and probability map).</summary>
    public int Height => Mask.Height;

    /// <summary>The predicted mask at the image's size: probability &gt; the transformer's threshold.</summary>
    public BinaryMask Mask { get; }

    /// <summary>Foreground probability per pixel, row-major (index y·Width + x), at the image's size.</summary>
    public float[] Probability { get; }

    /// <summary>Target-present score: softmax of the class logits, object class (in [0, 1]).</summary>
    public float Score { get; }
}
