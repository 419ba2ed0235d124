using System.Globalization;

namespace MagNet.ML.Onnx;

/// <summary>
/// How a referring-segmentation ONNX model is fed and read, resolved once from its signature and the options: input
/// and output names, image side S, token count T, batch (fixed by the model, or chosen when the model's batch is
/// symbolic), the mask-logit map size and, when the model has class logits, their count per example. Sizes the
/// model leaves symbolic on its outputs are 0 here and are taken from the values it returns (see
/// <see cref="OnnxBatchScorer"/>).
/// </summary>
internal sealed record OnnxSegmentationContract(
    string ImageInput,
    string InputIdsInput,
    string AttentionMaskInput,
    string MaskLogitsOutput,
    string? ClassLogitsOutput,
    int ImageSize,
    int MaxTokens,
    int BatchSize,
    bool ModelFixesBatch,
    int MaskHeight,
    int MaskWidth,
    int ClassLogitCount)
{
    /// <summary>Floats of one image: 3·S·S.</summary>
    public int ImageLength => 3 * ImageSize * ImageSize;

    /// <summary>True when the model declares the mask-logit map's height and width.</summary>
    public bool MaskSizeKnown => MaskHeight > 0 && MaskWidth > 0;

    /// <summary>
    /// Checks <paramref name="signature"/> against the MagNet contract (image float [B, 3, S, S]; ids and mask int64
    /// [B, T]; mask logits float [B, 1, h, w]; optional class logits float [B, 1, K+1]) and resolves the sizes.
    /// </summary>
    /// <exception cref="InvalidDataException">The model does not fit; the message names the file, the value and the fault.</exception>
    public static OnnxSegmentationContract Resolve(OnnxModelSignature signature, ReferringSegmentationOnnxEstimator.Options options, string source)
    {
        string Describe(IEnumerable<OnnxTensorSignature> values) => string.Join(", ", values.Select(v => $"'{v.Name}' {v.ElementTypeText} {v.ShapeText}"));
        OnnxTensorSignature Find(IReadOnlyList<OnnxTensorSignature> values, string name, string kind, string option) =>
            values.FirstOrDefault(v => v.Name == name) ?? throw new InvalidDataException(
                $"ONNX model '{source}' has no {kind} '{name}'; its {kind}s are {Describe(values)}. Set {option} to the model's name.");
        void Require(bool condition, OnnxTensorSignature value, string expected)
        {
            if (!condition)
                throw new InvalidDataException($"ONNX model '{source}': '{value.Name}' is {value.ElementTypeText} {value.ShapeText}; it must be {expected}.");
        }

        var image = Find(signature.Inputs, options.ImageInputName, "input", "ImageInputName");
        var ids = Find(signature.Inputs, options.InputIdsInputName, "input", "InputIdsInputName");
        var mask = Find(signature.Inputs, options.AttentionMaskInputName, "input", "AttentionMaskInputName");
        var logits = Find(signature.Outputs, options.MaskLogitsOutputName, "output", "MaskLogitsOutputName");
        var classes = options.ClassLogitsOutputName is null ? null : signature.Outputs.FirstOrDefault(o => o.Name == options.ClassLogitsOutputName);

        Require(image.ElementType == OnnxTensorSignature.Float && image.Dimensions.Count == 4 && image.Dimensions[1] is null or 3
            && (image.Dimensions[2] is null || image.Dimensions[3] is null || image.Dimensions[2] == image.Dimensions[3]), image, "float32 [N, 3, S, S]");
        Require(ids.ElementType == OnnxTensorSignature.Int64 && ids.Dimensions.Count == 2, ids, "int64 [N, T]");
        Require(mask.ElementType == OnnxTensorSignature.Int64 && mask.Dimensions.Count == 2, mask, "int64 [N, T]");
        Require(logits.ElementType == OnnxTensorSignature.Float && logits.Dimensions.Count == 4 && logits.Dimensions[1] is null or 1,
            logits, "float32 [N, 1, h, w] (one query)");
        if (classes is not null)
            Require(classes.ElementType == OnnxTensorSignature.Float && classes.Dimensions.Count == 3 && classes.Dimensions[1] is null or 1
                && classes.Dimensions[2] is null or > 1, classes, "float32 [N, 1, K+1] (one query)");

        int imageSize = Size(image.Dimensions[2] ?? image.Dimensions[3], options.ImageSize, image, "ImageSize", source);
        long? tokens = ids.Dimensions[1] ?? mask.Dimensions[1];
        if (ids.Dimensions[1] is long a && mask.Dimensions[1] is long b && a != b)
            throw new InvalidDataException($"ONNX model '{source}': '{ids.Name}' has {a} tokens but '{mask.Name}' has {b}.");
        int maxTokens = Size(tokens, options.MaxTokens, ids, "MaxTokens", source);

        var batches = new[] { image, ids, mask, logits }.Concat(classes is null ? [] : [classes])
            .Select(v => v.Dimensions[0]).OfType<long>().Distinct().ToList();
        if (batches.Count > 1)
            throw new InvalidDataException($"ONNX model '{source}': the batch dimensions of its inputs and outputs disagree ({Describe(new[] { image, ids, mask, logits })}).");
        bool fixedBatch = batches.Count == 1;
        int batch = fixedBatch ? checked((int)batches[0]) : options.BatchSize;

        return new OnnxSegmentationContract(image.Name, ids.Name, mask.Name, logits.Name, classes?.Name, imageSize, maxTokens, batch, fixedBatch,
            checked((int)(logits.Dimensions[2] ?? 0)), checked((int)(logits.Dimensions[3] ?? 0)), checked((int)(classes?.Dimensions[2] ?? 0)));
    }

    // The model's size when it has one (an option must then agree), else the option's.
    private static int Size(long? fromModel, int? fromOptions, OnnxTensorSignature value, string option, string source)
    {
        if (fromModel is long size)
        {
            if (fromOptions is int chosen && chosen != size)
                throw new InvalidDataException($"ONNX model '{source}': '{value.Name}' is {value.ShapeText}, but {option} is {chosen.ToString(CultureInfo.InvariantCulture)}.");
            return checked((int)size);
        }
        return fromOptions ?? throw new InvalidDataException(
            $"ONNX model '{source}': '{value.Name}' is {value.ShapeText}, whose size is symbolic; set {option}.");
    }
}
