using MagNet.ML.Internal;
using MagNet.ML.Onnx;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MagNet.ML;

/// <summary>
/// Referring image segmentation with an ONNX model (no libtorch): tokenizes the expression, preprocesses the image,
/// scores the model with ML.NET's ONNX transform (ONNX Runtime, CPU or CUDA) and turns its mask logits into a mask
/// and a probability map at the image's original size.
/// </summary>
/// <remarks>
/// <para>The model must follow the MagNet ONNX contract: inputs image float [N, 3, S, S] (ImageNet-normalised),
/// input_ids and attention_mask int64 [N, T]; output mask logits float [N, 1, h, w] and, optionally, class logits
/// [N, 1, K+1] (last index "no object"). Names are options, so graphs from this package's exporter
/// (<c>image</c>, <c>input_ids</c>, <c>attention_mask</c> → <c>mask_logits</c>, <c>pred_logits</c>) and from the
/// official PyTorch code (mask logits named <c>pred_masks</c>) both run. A symbolic batch N is filled with
/// <see cref="Options.BatchSize"/> rows per run; a fixed batch is filled with that many rows (the last batch padded).</para>
/// <para>Post-processing, per row: the mask logits are resized to the original image height × width bilinearly with
/// aligned corners (the official <c>test.py</c> upsampling, which at S × S reproduces its <c>prob</c>), then
/// sigmoid gives <c>Probability</c> and <c>Probability &gt; MaskThreshold</c> gives <c>PredictedMask</c>.
/// <c>Score</c> is 1 − softmax(class logits)[no object], present when the model has class logits.</para>
/// <list type="table">
/// <listheader><term>Column</term><description>Type</description></listheader>
/// <item><term>input <see cref="Options.ImageColumnName"/></term><description>MLImage (from LoadImages), or an already
/// preprocessed vector of Single [3, S, S] (its original size is then S × S)</description></item>
/// <item><term>input <see cref="Options.ExpressionColumnName"/></term><description>text</description></item>
/// <item><term>output <see cref="Options.PredictedMaskColumnName"/></term><description>vector of Byte, 0/1, H × W row-major</description></item>
/// <item><term>output <see cref="Options.ProbabilityColumnName"/></term><description>vector of Single, H × W row-major</description></item>
/// <item><term>output <see cref="Options.ScoreColumnName"/></term><description>Single (only with class logits)</description></item>
/// </list>
/// <para>GPU: <see cref="Options.GpuDeviceId"/> and <see cref="Options.FallbackToCpu"/> mean what they mean for
/// ML.NET's <c>ApplyOnnxModel</c> (null uses <c>MLContext.GpuDeviceId</c>/<c>FallbackToCpu</c>). A CUDA request on a
/// machine without CUDA 13 and cuDNN 9 fails in <see cref="Fit"/> with <see cref="InvalidOperationException"/>
/// unless falling back to the CPU is allowed. Fitting learns nothing; it checks the schema and opens the ONNX
/// Runtime session.</para>
/// </remarks>
public sealed class ReferringSegmentationOnnxEstimator : IEstimator<ReferringSegmentationOnnxTransformer>
{
    /// <summary>Settings of <see cref="ReferringSegmentationOnnxEstimator"/>.</summary>
    public sealed class Options
    {
        /// <summary>The ONNX model file (required).</summary>
        public string ModelPath = "";

        /// <summary>Image column: MLImage, or a preprocessed vector of Single [3, S, S]. Default <c>Image</c>.</summary>
        public string ImageColumnName = ReferringColumnNames.Image;

        /// <summary>Text column of the referring expression. Default <c>Expression</c>.</summary>
        public string ExpressionColumnName = ReferringColumnNames.Expression;

        /// <summary>Output mask column (vector of Byte, 0/1 at the original size). Default <c>PredictedMask</c>.</summary>
        public string PredictedMaskColumnName = ReferringColumnNames.PredictedMask;

        /// <summary>Output probability column (vector of Single at the original size). Default <c>Probability</c>.</summary>
        public string ProbabilityColumnName = ReferringColumnNames.Probability;

        /// <summary>Output score column (Single), added when the model has class logits. Default <c>Score</c>.</summary>
        public string ScoreColumnName = ReferringColumnNames.Score;

        /// <summary>Side S of the image input; null (default) takes it from the model, which must then fix it.</summary>
        public int? ImageSize;

        /// <summary>Tokens T per expression; null (default) takes it from the model, which must then fix it.</summary>
        public int? MaxTokens;

        /// <summary>Rows per ONNX Runtime run when the model's batch is symbolic (a fixed batch wins). Default 1.</summary>
        public int BatchSize = 1;

        /// <summary>A pixel is in the mask when its probability is above this value. Default 0.5, as the official code.</summary>
        public float MaskThreshold = 0.5f;

        /// <summary>Name of the model's image input. Default <c>image</c>.</summary>
        public string ImageInputName = "image";

        /// <summary>Name of the model's token-id input. Default <c>input_ids</c>.</summary>
        public string InputIdsInputName = "input_ids";

        /// <summary>Name of the model's attention-mask input. Default <c>attention_mask</c>.</summary>
        public string AttentionMaskInputName = "attention_mask";

        /// <summary>Name of the model's mask-logit output [N, 1, h, w]. Default <c>mask_logits</c> (<c>pred_masks</c> for official exports).</summary>
        public string MaskLogitsOutputName = "mask_logits";

        /// <summary>Name of the model's class-logit output [N, 1, K+1], used for the score if the model has it; null ignores it. Default <c>pred_logits</c>.</summary>
        public string? ClassLogitsOutputName = "pred_logits";

        /// <summary>A BERT <c>vocab.txt</c>; null (default) for the embedded bert-base-uncased vocabulary.</summary>
        public string? VocabularyPath;

        /// <summary>GPU to run on; null uses <c>MLContext.GpuDeviceId</c> (CPU when that is null too). Default null.</summary>
        public int? GpuDeviceId;

        /// <summary>Run on the CPU when the GPU cannot be used instead of failing. Default false.</summary>
        public bool FallbackToCpu;

        /// <summary>
        /// Threads ONNX Runtime uses inside one operator (its intra-op pool, the one that does the work on the CPU);
        /// at least 1. Null (default) lets ONNX Runtime choose (one per physical core). Applies to the session opened
        /// from <see cref="ModelPath"/>; a transformer read back by <c>Load</c> uses ONNX Runtime's choice.
        /// </summary>
        public int? IntraOpNumThreads;

        /// <summary>
        /// Threads ONNX Runtime may use to run independent operators side by side (its inter-op pool); at least 1.
        /// ML.NET runs the graph sequentially, so this rarely matters. Null (default) lets ONNX Runtime choose.
        /// Applies as <see cref="IntraOpNumThreads"/> does.
        /// </summary>
        public int? InterOpNumThreads;

        internal Options Clone() => (Options)MemberwiseClone();
    }

    private readonly TransformsCatalog _catalog;
    private readonly IHostEnvironment? _environment;
    private readonly Options _options;
    private readonly byte[]? _modelBytes;

    /// <summary>Creates the estimator for <paramref name="mlContext"/>; the options are copied and checked, and the model's signature is read.</summary>
    /// <exception cref="FileNotFoundException">The model or vocabulary file does not exist.</exception>
    /// <exception cref="InvalidDataException">The model does not follow the contract (the message says how).</exception>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public ReferringSegmentationOnnxEstimator(MLContext mlContext, Options options)
        : this(CheckContext(mlContext).Transforms, options, modelBytes: null)
    {
    }

    internal ReferringSegmentationOnnxEstimator(TransformsCatalog catalog, Options options, byte[]? modelBytes)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        _catalog = catalog;
        _environment = CatalogEnvironment.Get(catalog);
        _options = options.Clone();
        _modelBytes = modelBytes;
        CheckOptions(_options);
        OnnxModelSignature signature;
        if (modelBytes is null) signature = OnnxModelSignature.Read(_options.ModelPath);
        else
        {
            using var stream = new MemoryStream(modelBytes, writable: false);
            signature = OnnxModelSignature.Read(stream, _options.ModelPath);
        }
        Contract = OnnxSegmentationContract.Resolve(signature, _options, _options.ModelPath);
        Tokenizer = new ExpressionTokenizer(_options.VocabularyPath, Contract.MaxTokens);
        Tensorizer = new ImageTensorizer(Contract.ImageSize);
    }

    /// <summary>Side S of the model's image input.</summary>
    public int ImageSize => Contract.ImageSize;

    /// <summary>Tokens T per expression.</summary>
    public int MaxTokens => Contract.MaxTokens;

    /// <summary>Rows scored per ONNX Runtime run (the model's fixed batch, or <see cref="Options.BatchSize"/>).</summary>
    public int BatchSize => Contract.BatchSize;

    /// <summary>True when the model has class logits, so the output has a score column.</summary>
    public bool HasScore => Contract.ClassLogitsOutput is not null;

    internal OnnxSegmentationContract Contract { get; }

    internal ExpressionTokenizer Tokenizer { get; }

    internal ImageTensorizer Tensorizer { get; }

    /// <summary>Checks the input columns and returns the schema with the appended mask, probability (and score) columns.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        OnnxSegmentationColumns.Check(inputSchema, _options, Contract);
        var outputs = new List<SchemaShape.Column>
        {
            SchemaShapeFactory.Column(_options.PredictedMaskColumnName, SchemaShape.Column.VectorKind.VariableVector, NumberDataViewType.Byte),
            SchemaShapeFactory.Column(_options.ProbabilityColumnName, SchemaShape.Column.VectorKind.VariableVector, NumberDataViewType.Single),
        };
        if (HasScore) outputs.Add(SchemaShapeFactory.Scalar(_options.ScoreColumnName, NumberDataViewType.Single));
        return SchemaShapeFactory.Append(inputSchema, outputs.ToArray());
    }

    /// <summary>
    /// Checks <paramref name="input"/>'s schema and opens the ONNX Runtime session (on the requested GPU, or the CPU).
    /// The returned transformer owns the session: dispose it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or of the wrong type.</exception>
    /// <exception cref="InvalidOperationException">The GPU cannot be used and falling back to the CPU is not allowed.</exception>
    public ReferringSegmentationOnnxTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        OnnxSegmentationColumns.Check(input.Schema, _options, Contract);
        var transformer = CreateTransformer();
        if (_environment is not null)
        {
            using var channel = _environment.Register(nameof(ReferringSegmentationOnnxEstimator)).Start("Fit");
            channel.Info(MessageSensitivity.None,
                $"ONNX model '{_options.ModelPath}': image {Contract.ImageSize}x{Contract.ImageSize}, {Contract.MaxTokens} tokens, " +
                $"{Contract.BatchSize} row(s) per run" + (HasScore ? ", with class logits (Score)." : ", no class logits."));
        }
        return transformer;
    }

    /// <summary>Opens the ONNX Runtime session and creates the transformer (no schema check).</summary>
    internal ReferringSegmentationOnnxTransformer CreateTransformer() =>
        new(_catalog, _options, Contract, Tokenizer, Tensorizer, _modelBytes);

    private static MLContext CheckContext(MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return mlContext;
    }

    private static void CheckOptions(Options o)
    {
        ArgumentException.ThrowIfNullOrEmpty(o.ModelPath, nameof(Options.ModelPath));
        foreach (var (value, name) in new[]
        {
            (o.ImageColumnName, nameof(Options.ImageColumnName)), (o.ExpressionColumnName, nameof(Options.ExpressionColumnName)),
            (o.PredictedMaskColumnName, nameof(Options.PredictedMaskColumnName)), (o.ProbabilityColumnName, nameof(Options.ProbabilityColumnName)),
            (o.ScoreColumnName, nameof(Options.ScoreColumnName)), (o.ImageInputName, nameof(Options.ImageInputName)),
            (o.InputIdsInputName, nameof(Options.InputIdsInputName)), (o.AttentionMaskInputName, nameof(Options.AttentionMaskInputName)),
            (o.MaskLogitsOutputName, nameof(Options.MaskLogitsOutputName)),
        })
            ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        var outputs = new[] { o.PredictedMaskColumnName, o.ProbabilityColumnName, o.ScoreColumnName };
        if (outputs.Distinct(StringComparer.Ordinal).Count() != outputs.Length)
            throw new ArgumentException($"The output columns need distinct names; got '{string.Join("', '", outputs)}'.", nameof(Options));
        if (o.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(Options.BatchSize), o.BatchSize, "At least one row per run.");
        if (o.ImageSize is < 1) throw new ArgumentOutOfRangeException(nameof(Options.ImageSize), o.ImageSize, "The image size must be positive.");
        if (o.MaxTokens is < 2) throw new ArgumentOutOfRangeException(nameof(Options.MaxTokens), o.MaxTokens, "At least two tokens ([CLS] and [SEP]).");
        if (!(o.MaskThreshold is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(Options.MaskThreshold), o.MaskThreshold, "The threshold is a probability in [0, 1].");
        if (o.GpuDeviceId is < 0) throw new ArgumentOutOfRangeException(nameof(Options.GpuDeviceId), o.GpuDeviceId, "A GPU id is not negative.");
        if (o.IntraOpNumThreads is < 1) throw new ArgumentOutOfRangeException(nameof(Options.IntraOpNumThreads), o.IntraOpNumThreads, "At least one thread (or null for ONNX Runtime's choice).");
        if (o.InterOpNumThreads is < 1) throw new ArgumentOutOfRangeException(nameof(Options.InterOpNumThreads), o.InterOpNumThreads, "At least one thread (or null for ONNX Runtime's choice).");
    }
}
