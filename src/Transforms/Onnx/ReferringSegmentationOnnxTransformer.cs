using MagNet.ML.Internal;
using MagNet.ML.Onnx;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Onnx;

namespace MagNet.ML;

/// <summary>
/// Appends <c>PredictedMask</c>, <c>Probability</c> (and <c>Score</c>) computed by an ONNX referring-segmentation
/// model; see <see cref="ReferringSegmentationOnnxEstimator"/>. It owns an ONNX Runtime session: dispose it.
/// </summary>
/// <remarks>
/// <para>Rows are scored <see cref="BatchSize"/> at a time, lazily, as a cursor reads the appended columns. Cursors
/// share the session (ONNX Runtime runs are thread-safe) and each has its own buffers; a closed cursor's buffers and
/// ML.NET row mapper are kept for the next cursor, so calling <c>Transform</c> once per request does not rebuild them.</para>
/// <para>Persistence: ML.NET cannot store this transformer in its model zip (<c>mlContext.Model.Save</c> throws
/// <see cref="NotSupportedException"/>), so <see cref="Save"/> writes this package's own single file and
/// <see cref="Load"/> reads it. The GPU choice is not stored: it belongs to the machine that loads the file.</para>
/// <para>*** File format (a zip archive, version 1) ***
/// <c>magnet-onnx.json</c>: UTF-8 JSON header — <c>format</c> ("MagNet.ML.ReferringSegmentationOnnx"),
/// <c>version</c> (1), the column names, the model's input/output names, image size, token count, batch size,
/// mask threshold, the source model path (informational) and <c>vocabulary</c> ("bert-base-uncased" or
/// "vocab.txt"); <c>model.onnx</c>: the ONNX model, byte for byte; <c>vocab.txt</c>: present only with a custom
/// vocabulary.</para>
/// </remarks>
public sealed class ReferringSegmentationOnnxTransformer : ColumnAppendingTransformer, IDisposable
{
    private readonly ReferringSegmentationOnnxEstimator.Options _options;
    private readonly byte[]? _modelBytes;
    private readonly byte[]? _vocabularyBytes;
    private readonly OnnxTransformer _onnx;
    private readonly Stack<OnnxBatchScorer> _idleScorers = new();
    private bool _disposed;

    internal ReferringSegmentationOnnxTransformer(TransformsCatalog catalog, ReferringSegmentationOnnxEstimator.Options options,
        OnnxSegmentationContract contract, ExpressionTokenizer tokenizer, ImageTensorizer tensorizer, byte[]? modelBytes)
    {
        _options = options.Clone();
        _modelBytes = modelBytes;
        // Kept so that Save works even after the vocabulary file is gone (a loaded transformer's is temporary).
        _vocabularyBytes = _options.VocabularyPath is null ? null : File.ReadAllBytes(_options.VocabularyPath);
        Contract = contract;
        Tokenizer = tokenizer;
        Tensorizer = tensorizer;
        _onnx = OpenSession(catalog, _options, contract, modelBytes);
    }

    /// <summary>The ONNX model file the transformer was created from (for a loaded file, the path recorded in it).</summary>
    public string ModelPath => _options.ModelPath;

    /// <summary>The image column read (MLImage or preprocessed pixels).</summary>
    public string ImageColumnName => _options.ImageColumnName;

    /// <summary>The expression column read.</summary>
    public string ExpressionColumnName => _options.ExpressionColumnName;

    /// <summary>The mask column appended.</summary>
    public string PredictedMaskColumnName => _options.PredictedMaskColumnName;

    /// <summary>The probability column appended.</summary>
    public string ProbabilityColumnName => _options.ProbabilityColumnName;

    /// <summary>The score column appended when <see cref="HasScore"/>.</summary>
    public string ScoreColumnName => _options.ScoreColumnName;

    /// <summary>True when the model has class logits, so a score column is appended.</summary>
    public bool HasScore => Contract.ClassLogitsOutput is not null;

    /// <summary>Side S of the model's image input.</summary>
    public int ImageSize => Contract.ImageSize;

    /// <summary>Tokens T per expression.</summary>
    public int MaxTokens => Contract.MaxTokens;

    /// <summary>Rows per ONNX Runtime run.</summary>
    public int BatchSize => Contract.BatchSize;

    /// <summary>Probability above which a pixel is in the mask.</summary>
    public float MaskThreshold => _options.MaskThreshold;

    internal OnnxSegmentationContract Contract { get; }

    internal ExpressionTokenizer Tokenizer { get; }

    internal ImageTensorizer Tensorizer { get; }

    /// <summary>
    /// Writes this transformer to <paramref name="path"/> in the format described in the remarks (through a temporary
    /// file, so a failure leaves no partial file).
    /// </summary>
    public void Save(string path)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        OnnxSegmentationFile.Write(path, _options, Contract, _modelBytes, _vocabularyBytes);
    }

    /// <summary>
    /// Reads a file written by <see cref="Save"/> and opens its ONNX Runtime session on <paramref name="gpuDeviceId"/>
    /// (null: <c>MLContext.GpuDeviceId</c>, else the CPU), falling back to the CPU only if <paramref name="fallbackToCpu"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not such a file, or is of a newer format version.</exception>
    /// <exception cref="InvalidOperationException">The GPU cannot be used and falling back is not allowed.</exception>
    public static ReferringSegmentationOnnxTransformer Load(MLContext mlContext, string path, int? gpuDeviceId = null, bool fallbackToCpu = false)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return OnnxSegmentationFile.Read(mlContext.Transforms, path, gpuDeviceId, fallbackToCpu);
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose()
    {
        lock (_idleScorers)
        {
            if (_disposed) return;
            _disposed = true;
            while (_idleScorers.TryPop(out var scorer)) scorer.Dispose();
        }
        _onnx.Dispose();
    }

    /// <summary>Scorers kept for the next cursor (cursors closed and not yet reused).</summary>
    internal int IdleScorerCount
    {
        get { lock (_idleScorers) return _idleScorers.Count; }
    }

    /// <summary>A scorer for one cursor: one a closed cursor gave back, else a new one. Give it back with <see cref="ReturnScorer"/>.</summary>
    internal OnnxBatchScorer RentScorer()
    {
        lock (_idleScorers)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_idleScorers.TryPop(out var idle)) return idle;
        }
        return new OnnxBatchScorer(_onnx, Contract);
    }

    /// <summary>Keeps a closed cursor's scorer for the next one (or disposes it once the transformer is disposed).</summary>
    internal void ReturnScorer(OnnxBatchScorer scorer)
    {
        lock (_idleScorers)
        {
            if (!_disposed)
            {
                _idleScorers.Push(scorer);
                return;
            }
        }
        scorer.Dispose();
    }

    private protected override string SaveAlternative =>
        "Save it with its own Save(path) and read it back with ReferringSegmentationOnnxTransformer.Load(mlContext, path).";

    private protected override IRowBatchMapper CreateMapper(DataViewSchema inputSchema)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        bool pixelInput = OnnxSegmentationColumns.Check(inputSchema, _options, Contract);
        return new OnnxSegmentationMapper(this, pixelInput);
    }

    // ML.NET's ONNX scoring on the packed-batch schema; GPU requests follow ApplyOnnxModel's rules. Thread counts reach
    // the session only when it is opened from the file: ML.NET's overloads that read a stream take none.
    private static OnnxTransformer OpenSession(TransformsCatalog catalog, ReferringSegmentationOnnxEstimator.Options options,
        OnnxSegmentationContract contract, byte[]? modelBytes)
    {
        string[] inputs = [contract.ImageInput, contract.InputIdsInput, contract.AttentionMaskInput];
        string[] outputs = contract.ClassLogitsOutput is null ? [contract.MaskLogitsOutput] : [contract.MaskLogitsOutput, contract.ClassLogitsOutput];
        var shapes = new Dictionary<string, int[]>
        {
            [contract.ImageInput] = [contract.BatchSize, 3, contract.ImageSize, contract.ImageSize],
            [contract.InputIdsInput] = [contract.BatchSize, contract.MaxTokens],
            [contract.AttentionMaskInput] = [contract.BatchSize, contract.MaxTokens],
        };
        var device = OnnxDeviceRequest.Resolve(catalog, options.GpuDeviceId, options.FallbackToCpu);
        try
        {
            var estimator = modelBytes is null
                ? catalog.ApplyOnnxModel(new OnnxOptions
                {
                    ModelFile = options.ModelPath, InputColumns = inputs, OutputColumns = outputs, ShapeDictionary = shapes,
                    GpuDeviceId = options.GpuDeviceId, FallbackToCpu = options.FallbackToCpu,
                    IntraOpNumThreads = options.IntraOpNumThreads, InterOpNumThreads = options.InterOpNumThreads,
                })
                : catalog.ApplyOnnxModel(outputs, inputs, new MemoryStream(modelBytes, writable: false), shapes, options.GpuDeviceId, options.FallbackToCpu);
            return estimator.Fit(new SchemaOnlyDataView(PackedBatchRow.CreateSchema(contract)));
        }
        catch (Exception e) when (device.GpuDeviceId is int gpu && !device.FallbackToCpu && e is not OutOfMemoryException)
        {
            throw new InvalidOperationException(
                $"ONNX model '{options.ModelPath}' could not be opened on GPU {gpu}: ONNX Runtime's CUDA execution provider failed " +
                $"({e.GetBaseException().Message.Trim()}). It needs an NVIDIA driver with CUDA 13 and cuDNN 9 on the library path. " +
                "Pass fallbackToCpu: true (or set MLContext.FallbackToCpu) to run on the CPU instead, or leave gpuDeviceId null.", e);
        }
    }
}
