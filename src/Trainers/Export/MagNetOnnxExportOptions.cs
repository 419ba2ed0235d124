namespace MagNet.ML;

/// <summary>
/// Settings of <see cref="MagNetOnnxExporter"/>: the opset and the names of the graph's inputs and outputs (the
/// MagNet ONNX contract's names by default).
/// </summary>
public sealed class MagNetOnnxExportOptions
{
    /// <summary>Default-domain opset: 17 (LayerNormalization) or 16 (LayerNorm decomposed). Default 17.</summary>
    public int Opset { get; set; } = 17;

    /// <summary>Image input, float [N, 3, S, S], ImageNet-normalised. Default <c>image</c>.</summary>
    public string ImageInputName { get; set; } = "image";

    /// <summary>Token-id input, int64 [N, T]. Default <c>input_ids</c>.</summary>
    public string InputIdsInputName { get; set; } = "input_ids";

    /// <summary>Attention-mask input, int64 [N, T] (1 = token, 0 = padding). Default <c>attention_mask</c>.</summary>
    public string AttentionMaskInputName { get; set; } = "attention_mask";

    /// <summary>Mask-logit output, float [N, 1, S/4, S/4] (the final decoder prediction). Default <c>mask_logits</c>.</summary>
    public string MaskLogitsOutputName { get; set; } = "mask_logits";

    /// <summary>Class-logit output, float [N, 1, K+1] (last index "no object"); null leaves it out. Default <c>pred_logits</c>.</summary>
    public string? ClassLogitsOutputName { get; set; } = "pred_logits";

    /// <summary>
    /// Probability output, float [N, K, S, S]: the official post-processing (mask logits upsampled bilinearly with
    /// aligned corners, sigmoid; <c>&gt; 0.5</c> is the mask); null leaves it out. Default <c>prob</c>.
    /// </summary>
    public string? ProbabilityOutputName { get; set; } = "prob";

    /// <summary>Symbolic name of the batch dimension (the only dynamic one). Default <c>N</c>.</summary>
    public string BatchDimensionName { get; set; } = "N";

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first unusable setting.</summary>
    public void Validate()
    {
        if (Opset is not (16 or 17))
            throw new ArgumentException($"{nameof(Opset)} is {Opset}; the exporter writes opset 16 or 17.", nameof(Opset));
        var names = new (string Property, string? Value)[]
        {
            (nameof(ImageInputName), ImageInputName), (nameof(InputIdsInputName), InputIdsInputName),
            (nameof(AttentionMaskInputName), AttentionMaskInputName), (nameof(MaskLogitsOutputName), MaskLogitsOutputName),
            (nameof(ClassLogitsOutputName), ClassLogitsOutputName), (nameof(ProbabilityOutputName), ProbabilityOutputName),
        };
        foreach (var (property, value) in names.Take(4))
            if (string.IsNullOrWhiteSpace(value)) throw new ArgumentException($"{property} must name a graph input or output.", property);
        foreach (var (property, value) in names.Skip(4))
            if (value is not null && value.Trim().Length == 0) throw new ArgumentException($"{property} must be null (left out) or a name.", property);
        var duplicate = names.Where(n => n.Value is not null).GroupBy(n => n.Value, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"{string.Join(" and ", duplicate.Select(n => n.Property))} are both '{duplicate.Key}'; graph inputs and outputs need distinct names.");
        if (string.IsNullOrWhiteSpace(BatchDimensionName))
            throw new ArgumentException($"{nameof(BatchDimensionName)} must be a symbolic dimension name.", nameof(BatchDimensionName));
    }
}
