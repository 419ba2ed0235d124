namespace MagNet.ML.Batching;

/// <summary>
/// Reusable arrays holding up to <see cref="Capacity"/> rows of model inputs: normalised pixels [B,3,S,S], token ids
/// and attention mask [B,T] (Int64) and ground-truth masks [B,S,S] (0/1 floats). Tensors are made over these arrays
/// without copying, so a batch must not be refilled while a step still uses it.
/// </summary>
internal sealed class TrainingBatch
{
    public TrainingBatch(int capacity, int imageSize, int maxTokens)
    {
        Capacity = capacity;
        Pixels = new float[capacity * 3 * imageSize * imageSize];
        Ids = new long[capacity * maxTokens];
        Attention = new long[capacity * maxTokens];
        Masks = new float[capacity * imageSize * imageSize];
    }

    /// <summary>Rows the arrays can hold.</summary>
    public int Capacity { get; }

    /// <summary>Rows filled (the first <see cref="Count"/> of each array).</summary>
    public int Count { get; set; }

    /// <summary>The optimisation step this batch is for (training batches only).</summary>
    public long Step { get; set; }

    /// <summary>[B,3,S,S] ImageNet-normalised pixels.</summary>
    public float[] Pixels { get; }

    /// <summary>[B,T] token ids.</summary>
    public long[] Ids { get; }

    /// <summary>[B,T] attention mask, 1 = token.</summary>
    public long[] Attention { get; }

    /// <summary>[B,S,S] ground-truth masks, 0 or 1.</summary>
    public float[] Masks { get; }
}
