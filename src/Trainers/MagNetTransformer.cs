using MagNet.ML.Internal;
using MagNet.ML.Modeling;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML;

/// <summary>
/// A trained MagNet model as an ML.NET transformer: from an image column (MLImage) and an expression column (text)
/// it appends the predicted mask, the probability map and the target-present score.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Column</term><description>Type</description></listheader>
/// <item><term>input <see cref="ImageColumnName"/></term><description>image (MLImage)</description></item>
/// <item><term>input <see cref="ExpressionColumnName"/></term><description>text</description></item>
/// <item><term>output <see cref="PredictedMaskColumnName"/></term><description>variable vector of Byte: 0/1, row-major at the original image size (probability &gt; <see cref="Threshold"/>)</description></item>
/// <item><term>output <see cref="ProbabilityColumnName"/></term><description>variable vector of Single: the official post-processing taken to the original size: mask logits at S/4 upsampled bilinearly with aligned corners to H×W, then sigmoid (at H = W = S exactly the official map; the ONNX transform computes the same)</description></item>
/// <item><term>output <see cref="ScoreColumnName"/></term><description>Single: softmax of the class logits, object class (the target-present score)</description></item>
/// </list>
/// <para>Rows run <see cref="BatchSize"/> at a time in eval mode under <c>no_grad</c>, with a dispose scope per batch.
/// The model is shared by every cursor and forward passes are serialised, so the transformer can be used from several
/// threads (one forward at a time).</para>
/// <para>Lifetime: the model holds native memory; dispose the transformer when done. ML.NET's
/// <c>PredictionEngine</c> disposes the transformer it was created from when the engine is disposed (its default
/// <c>OwnsTransformer = true</c>); every row-to-row mapper this transformer hands out therefore counts as an owner
/// of the model, so such a disposal releases the engine's share and the model stays usable until the transformer's
/// own <see cref="Dispose"/> (call it once). A mapper handed to code that never disposes the transformer (an engine
/// created with <c>OwnsTransformer = false</c>, or kept in a pool) keeps the model alive until the garbage collector
/// finalizes it.</para>
/// <para>Persistence: <see cref="Save"/> / <see cref="Load"/> (one versioned file, <see cref="MagNetModelFile"/>);
/// ML.NET's <c>mlContext.Model.Save</c> cannot store third-party transformers (use <see cref="MagNetPipeline"/> for a
/// pipeline).</para>
/// </remarks>
public sealed class MagNetTransformer : ColumnAppendingTransformer, IDisposable
{
    private readonly MagNetConfig _config;

    internal MagNetTransformer(SharedMagNetModel shared, MagNetConfig config, ExpressionTokenizer tokenizer, byte[]? userVocabulary,
        ImageTensorizer tensorizer, MagNetColumns columns, float threshold, int batchSize)
    {
        if (!(threshold >= 0 && threshold <= 1)) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The mask threshold must lie in [0, 1].");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        if (tensorizer.ImageSize != config.ImageSize)
            throw new ArgumentException($"The image preprocessing size ({tensorizer.ImageSize}) differs from the model's image_size ({config.ImageSize}).", nameof(tensorizer));
        if (tokenizer.MaxTokens != config.MaxTokens)
            throw new ArgumentException($"The tokenizer's token count ({tokenizer.MaxTokens}) differs from the model's max_tokens ({config.MaxTokens}).", nameof(tokenizer));
        Shared = shared;
        _config = config;
        Tokenizer = tokenizer;
        UserVocabulary = userVocabulary;
        Tensorizer = tensorizer;
        Columns = columns;
        Threshold = threshold;
        BatchSize = batchSize;
    }

    /// <summary>The model configuration (a copy; changing it changes nothing).</summary>
    public MagNetConfig Config => MagNetConfig.FromJson(_config.ToJson());

    /// <summary>The image input column (MLImage).</summary>
    public string ImageColumnName => Columns.Image;

    /// <summary>The expression input column (text).</summary>
    public string ExpressionColumnName => Columns.Expression;

    /// <summary>The predicted-mask output column.</summary>
    public string PredictedMaskColumnName => Columns.PredictedMask;

    /// <summary>The probability output column.</summary>
    public string ProbabilityColumnName => Columns.Probability;

    /// <summary>The score output column.</summary>
    public string ScoreColumnName => Columns.Score;

    /// <summary>Probability above which a pixel is in the predicted mask.</summary>
    public float Threshold { get; }

    /// <summary>Rows per forward pass.</summary>
    public int BatchSize { get; }

    /// <summary>The expression tokenizer (LAVT rules, the model's token count).</summary>
    public ExpressionTokenizer Tokenizer { get; }

    /// <summary>The image preprocessing (fill-resize to the model's size, mean/std).</summary>
    public ImageTensorizer Tensorizer { get; }

    /// <summary>
    /// The TorchSharp model (for inspection or export). It belongs to this transformer: do not dispose it, and do
    /// not use it after the transformer is disposed.
    /// </summary>
    public MagNetModel Model => Shared.Model;

    internal SharedMagNetModel Shared { get; }

    internal MagNetColumns Columns { get; }

    /// <summary>The vocabulary file's bytes when a user vocabulary is used, null for the embedded one.</summary>
    internal byte[]? UserVocabulary { get; }

    internal MagNetConfig ConfigInstance => _config;

    private protected override string SaveAlternative =>
        "Save it with MagNetTransformer.Save(path) (or a whole pipeline with MagNetPipeline.Save) and load it back with MagNetTransformer.Load / MagNetPipeline.Load.";

    /// <summary>Segments what <paramref name="expression"/> refers to in <paramref name="image"/>.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public MagNetPrediction Predict(MLImage image, string expression)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(expression);
        var inference = new MagNetBatchInference(this, 1);
        inference.Load(0, image, expression);
        inference.Run(1);
        int width = inference.Width[0], height = inference.Height[0];
        return new MagNetPrediction(new BinaryMask(width, height, inference.Mask[0]), inference.Probability[0], inference.Score[0]);
    }

    /// <summary>
    /// Writes the model to <paramref name="path"/> (atomically) in the MagNet.ML model format: configuration, columns,
    /// preprocessing contract, threshold and weights in one zip (see <see cref="MagNetModelFile"/>).
    /// </summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Checkpoints.AtomicFile.Write(path, stream => MagNetModelFile.Write(this, stream));
    }

    /// <summary>
    /// Loads a model written by <see cref="Save"/>. A missing file is a <see cref="FileNotFoundException"/>; a file
    /// that is not a MagNet.ML model, was written by a newer format version or is corrupt is an
    /// <see cref="InvalidDataException"/> naming it.
    /// </summary>
    /// <param name="ml">The ML.NET context (its log receives nothing; reserved for consistency with ML.NET's loaders).</param>
    /// <param name="path">The model file.</param>
    /// <param name="gpuDeviceId">CUDA device to run on; null for the CPU.</param>
    /// <param name="fallbackToCpu">Run on the CPU when the CUDA device is not usable (otherwise throw).</param>
    public static MagNetTransformer Load(MLContext ml, string path, int? gpuDeviceId = null, bool fallbackToCpu = false)
    {
        ArgumentNullException.ThrowIfNull(ml);
        return MagNetModelFile.Read(path, TorchDevices.Resolve(gpuDeviceId, fallbackToCpu));
    }

    /// <summary>
    /// A transformer over the same model with other columns, threshold or batch size. The model's ownership moves to
    /// the new transformer: use it only on a transformer nobody else holds.
    /// </summary>
    internal MagNetTransformer WithSettings(MagNetColumns columns, float threshold, int batchSize) =>
        new(Shared, _config, Tokenizer, UserVocabulary, Tensorizer, columns, threshold, batchSize);

    /// <summary>Releases this transformer's share of the model (the model is freed when no engine holds it either).</summary>
    public void Dispose() => Shared.Release();

    private protected override void OnRowToRowMapperCreated() => Shared.AddOwner();

    private protected override IRowBatchMapper CreateMapper(DataViewSchema inputSchema)
    {
        InputColumnCheck.Image.Require(inputSchema, Columns.Image, nameof(MagNetTransformer));
        InputColumnCheck.Text.Require(inputSchema, Columns.Expression, nameof(MagNetTransformer));
        return new Mapper(this);
    }

    private sealed class Mapper(MagNetTransformer parent) : IRowBatchMapper
    {
        public IReadOnlyList<AppendedColumn> OutputColumns { get; } =
        [
            new(parent.Columns.PredictedMask, new VectorDataViewType(NumberDataViewType.Byte)),
            new(parent.Columns.Probability, new VectorDataViewType(NumberDataViewType.Single)),
            new(parent.Columns.Score, NumberDataViewType.Single),
        ];

        public IReadOnlyList<string> InputColumnNames { get; } = [parent.Columns.Image, parent.Columns.Expression];

        public int BatchSize => parent.BatchSize;

        public RowBatchWorker CreateWorker(DataViewRow input) => new Worker(parent, input);
    }

    private sealed class Worker : RowBatchWorker
    {
        private readonly MagNetTransformer _parent;
        private readonly DataViewRow _input;
        private readonly ValueGetter<MLImage> _image;
        private readonly ValueGetter<ReadOnlyMemory<char>> _expression;
        private readonly MagNetBatchInference _inference;
        private ReadOnlyMemory<char> _text;

        public Worker(MagNetTransformer parent, DataViewRow input)
        {
            _parent = parent;
            _input = input;
            _image = input.GetGetter<MLImage>(input.Schema[parent.Columns.Image]);
            _expression = input.GetGetter<ReadOnlyMemory<char>>(input.Schema[parent.Columns.Expression]);
            _inference = new MagNetBatchInference(parent, parent.BatchSize);
        }

        public override void ReadRow(int slot)
        {
            MLImage? image = null;
            try
            {
                _image(ref image!);
            }
            catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException)
            {
                throw new InvalidDataException($"Row {_input.Position}: the image in column '{_parent.Columns.Image}' could not be read: {e.Message}", e);
            }
            if (image is null)
                throw new InvalidDataException($"Row {_input.Position}: column '{_parent.Columns.Image}' holds no image (a missing or unreadable file).");
            _expression(ref _text);
            _inference.Load(slot, image, _text.Span);
        }

        public override void ComputeBatch(int count) => _inference.Run(count);

        public override ValueGetter<T> GetGetter<T>(int outputIndex, Func<int> currentSlot)
        {
            Delegate getter = outputIndex switch
            {
                0 => (ValueGetter<VBuffer<byte>>)((ref VBuffer<byte> value) =>
                {
                    int slot = currentSlot();
                    VBufferCopy.FromSpan<byte>(_inference.Mask[slot].AsSpan(0, _inference.Width[slot] * _inference.Height[slot]), ref value);
                }),
                1 => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                {
                    int slot = currentSlot();
                    VBufferCopy.FromSpan<float>(_inference.Probability[slot].AsSpan(0, _inference.Width[slot] * _inference.Height[slot]), ref value);
                }),
                _ => (ValueGetter<float>)((ref float value) => value = _inference.Score[currentSlot()]),
            };
            return (ValueGetter<T>)getter;
        }
    }
}
