namespace MagNet.ML;

/// <summary>The column names a <see cref="MagNetTransformer"/> reads and appends.</summary>
/// <param name="Image">Image input (MLImage).</param>
/// <param name="Expression">Expression input (text).</param>
/// <param name="PredictedMask">Predicted-mask output.</param>
/// <param name="Probability">Probability output.</param>
/// <param name="Score">Score output.</param>
internal sealed record MagNetColumns(string Image, string Expression, string PredictedMask, string Probability, string Score)
{
    /// <summary>Throws <see cref="ArgumentException"/> for an empty name or two outputs sharing a name.</summary>
    public void Validate()
    {
        foreach (var (name, what) in new[] { (Image, "image"), (Expression, "expression"), (PredictedMask, "predicted mask"), (Probability, "probability"), (Score, "score") })
            if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException($"The {what} column name is empty.");
        string[] outputs = [PredictedMask, Probability, Score];
        if (outputs.Distinct(StringComparer.Ordinal).Count() != outputs.Length)
            throw new ArgumentException($"The output columns need different names, got '{string.Join("', '", outputs)}'.");
    }
}
