using MagNet.ML.Internal;
using MagNet.ML.Modeling;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using TorchSharp;

namespace MagNet.ML;

/// <summary>
/// Inference-only MagNet (<c>mlContext.Transforms.ApplyReferringSegmentation(...)</c>): <see cref="Fit"/> loads a
/// MagNet.ML model file or a weights file with its configuration and returns the <see cref="MagNetTransformer"/>;
/// nothing is trained and no mask column is needed.
/// </summary>
public sealed class MagNetScoringEstimator : IEstimator<MagNetTransformer>
{
    internal sealed class Options
    {
        public string ModelOrWeightsPath = "";
        public MagNetConfig? Config;
        public string? ImageColumnName, ExpressionColumnName, PredictedMaskColumnName, ProbabilityColumnName, ScoreColumnName;
        public float? Threshold;
        public int? BatchSize;
        public string? VocabularyPath;
        public int? GpuDeviceId;
        public bool FallbackToCpu;
    }

    private readonly IHostEnvironment? _environment;
    private readonly Options _options;

    internal MagNetScoringEstimator(IHostEnvironment? environment, Options options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ModelOrWeightsPath, "modelOrWeightsPath");
        if (options.Threshold is float t && !(t >= 0 && t <= 1))
            throw new ArgumentOutOfRangeException("threshold", t, "The mask threshold must lie in [0, 1].");
        if (options.BatchSize is < 1) throw new ArgumentOutOfRangeException("batchSize", options.BatchSize, "The batch size must be at least 1.");
        _environment = environment;
        _options = options;
    }

    /// <summary>The model or weights file this estimator loads.</summary>
    public string ModelOrWeightsPath => _options.ModelOrWeightsPath;

    /// <summary>
    /// Checks the image and expression columns and returns the schema with the predicted mask, probability and score
    /// columns. Throws <see cref="ArgumentOutOfRangeException"/> naming a missing or mistyped column.
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var columns = Columns(MagNetModelFile.TryReadColumns(_options.ModelOrWeightsPath));
        InputColumnCheck.Image.Require(inputSchema, columns.Image, nameof(MagNetScoringEstimator));
        InputColumnCheck.Text.Require(inputSchema, columns.Expression, nameof(MagNetScoringEstimator));
        return SchemaShapeFactory.Append(inputSchema,
            SchemaShapeFactory.Column(columns.PredictedMask, SchemaShape.Column.VectorKind.VariableVector, NumberDataViewType.Byte),
            SchemaShapeFactory.Column(columns.Probability, SchemaShape.Column.VectorKind.VariableVector, NumberDataViewType.Single),
            SchemaShapeFactory.Scalar(columns.Score, NumberDataViewType.Single));
    }

    /// <summary>
    /// Loads the model and checks <paramref name="input"/>'s columns. A missing file is a
    /// <see cref="FileNotFoundException"/>; an unreadable one an <see cref="InvalidDataException"/> naming it; weights
    /// that do not match the configuration an <see cref="InvalidDataException"/> listing the names at fault.
    /// </summary>
    public MagNetTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        string path = _options.ModelOrWeightsPath;
        if (!File.Exists(path)) throw new FileNotFoundException($"MagNet model or weights file '{path}' does not exist.", path);
        var device = TorchDevices.Resolve(_options.GpuDeviceId, _options.FallbackToCpu);
        using var channel = _environment?.Register(nameof(MagNetScoringEstimator)).Start("Load");
        MagNetTransformer transformer;
        if (MagNetModelFile.IsModelFile(path))
        {
            if (_options.Config is not null)
                throw new ArgumentException($"'{path}' is a MagNet.ML model file, which carries its own configuration; pass config only with a weights file.", "config");
            if (_options.VocabularyPath is not null)
                throw new ArgumentException($"'{path}' is a MagNet.ML model file, which carries its own vocabulary; pass vocabularyPath only with a weights file.", "vocabularyPath");
            var loaded = MagNetModelFile.Read(path, device);
            transformer = loaded.WithSettings(Columns(loaded.Columns), _options.Threshold ?? loaded.Threshold, _options.BatchSize ?? loaded.BatchSize);
            channel?.Info(MessageSensitivity.None, $"Loaded the MagNet.ML model '{path}' ({loaded.ConfigInstance.Name}).");
        }
        else
        {
            var config = _options.Config
                ?? throw new ArgumentException($"'{path}' is a weights file: pass its model configuration (e.g. MagNetConfig.MagNetB() for the released checkpoints).", "config");
            transformer = FromWeights(path, MagNetConfig.FromJson(config.ToJson()), device, channel);
        }
        try
        {
            transformer.GetOutputSchema(input.Schema);
        }
        catch
        {
            transformer.Dispose();
            throw;
        }
        return transformer;
    }

    private MagNetTransformer FromWeights(string path, MagNetConfig config, TorchSharp.torch.Device device, IChannel? channel)
    {
        byte[]? vocabulary = null;
        if (_options.VocabularyPath is string vocabularyPath)
        {
            if (!File.Exists(vocabularyPath)) throw new FileNotFoundException($"Vocabulary file '{vocabularyPath}' does not exist.", vocabularyPath);
            vocabulary = File.ReadAllBytes(vocabularyPath);
        }
        var tokenizer = MagNetModelFile.CreateTokenizer(vocabulary, config.MaxTokens, lowerCase: true);
        var weights = StateDictFile.Read(path);
        var model = new MagNetModel(config);
        try
        {
            var report = ModuleWeights.Load(model, weights, strict: true, source: $"'{path}'");
            channel?.Info(MessageSensitivity.None, $"Loaded the weights '{path}' into '{config.Name}': {report}.");
            model.to(device);
            model.eval();
            return new MagNetTransformer(new SharedMagNetModel(model, device), config, tokenizer, vocabulary, new ImageTensorizer(config.ImageSize),
                Columns(null), _options.Threshold ?? 0.5f, _options.BatchSize ?? 4);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        finally
        {
            foreach (var tensor in weights.Values) tensor.Dispose();
        }
    }

    private MagNetColumns Columns(MagNetColumns? saved)
    {
        var columns = new MagNetColumns(
            _options.ImageColumnName ?? saved?.Image ?? ReferringColumnNames.Image,
            _options.ExpressionColumnName ?? saved?.Expression ?? ReferringColumnNames.Expression,
            _options.PredictedMaskColumnName ?? saved?.PredictedMask ?? ReferringColumnNames.PredictedMask,
            _options.ProbabilityColumnName ?? saved?.Probability ?? ReferringColumnNames.Probability,
            _options.ScoreColumnName ?? saved?.Score ?? ReferringColumnNames.Score);
        columns.Validate();
        return columns;
    }
}
