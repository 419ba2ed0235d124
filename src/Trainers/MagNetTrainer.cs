using MagNet.ML.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MagNet.ML;

/// <summary>
/// Trains (or fine-tunes) MagNet for referring image segmentation: <see cref="Fit"/> reads labelled rows
/// (image, expression, mask), trains with the MagNet recipe and returns a <see cref="MagNetTransformer"/>.
/// Created by <c>mlContext.Transforms.ReferringSegmentation(...)</c>.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Column</term><description>Type</description></listheader>
/// <item><term>input <see cref="Options.ImageColumnName"/></term><description>image (MLImage)</description></item>
/// <item><term>input <see cref="Options.ExpressionColumnName"/></term><description>text (non-empty for training rows)</description></item>
/// <item><term>label <see cref="Options.MaskColumnName"/></term><description>image (MLImage) of the image's size; any non-zero colour = foreground (training only)</description></item>
/// <item><term>outputs</term><description>see <see cref="MagNetTransformer"/></description></item>
/// </list>
/// <para>What <see cref="Fit"/> does:</para>
/// <list type="number">
/// <item>Reads only the three columns once and preprocesses every row with the inference preprocessing
/// (<see cref="ImageTensorizer"/>'s Pillow-exact fill-resize, <see cref="ExpressionTokenizer"/>'s LAVT rules,
/// <see cref="MaskTensorizer"/>'s nearest resize), in memory or under <see cref="Options.RowCacheDirectory"/>. A row
/// that cannot be used (unreadable image, empty expression, mask of another size) stops it with an
/// <see cref="InvalidDataException"/> naming the row and column.</item>
/// <item>Builds the model (<see cref="Options.Model"/>), seeds torch with <see cref="Options.Seed"/>, loads MiniLM
/// into a MiniLM-shaped text encoder and then <see cref="Options.InitialWeightsPath"/> (the load report is logged).</item>
/// <item>Each epoch visits the rows in a fresh seeded shuffle, <see cref="Options.BatchSize"/> per step (rows are
/// independent: with several expressions per image each is a row). Each step: poly learning rate, forward in train
/// mode inside its own dispose scope, L = L_seg + w_MG·L_MG + L_CAL, backward, optional gradient clipping, AdamW
/// (no decay on norms, biases, position tables, embeddings and query/level embeddings). Batches are prepared on a
/// background thread.</item>
/// <item>A non-finite loss, gradient norm or (at checkpoint time) weight stops training with
/// <see cref="MagNetTrainingDivergedException"/>; no checkpoint with non-finite weights is ever written.</item>
/// <item>After each epoch, with <see cref="Options.ValidationSet"/>: oIoU in eval mode under <c>no_grad</c> at the
/// network resolution; the best epoch's weights are kept (<see cref="Options.KeepBestModel"/>).</item>
/// <item>Checkpoints (<see cref="Options.CheckpointPath"/>) are written atomically; a run killed or cancelled resumes
/// from the last one with the same weights, optimizer state, step, shuffle and random state.</item>
/// </list>
/// <para>Progress goes to <c>MLContext.Log</c> (source <c>MagNetTrainer</c>), ML.NET's progress channel and
/// <see cref="Options.Progress"/>. Mask Grounding's head lives only in the trainer (and its checkpoints), never in the
/// returned model: the saved model and inference are the same with it on or off.</para>
/// </remarks>
public sealed partial class MagNetTrainer : IEstimator<MagNetTransformer>
{
    private readonly IHostEnvironment? _environment;
    private readonly Options _options;

    /// <summary>Creates the trainer (without ML.NET logging; use the catalog to log to <c>MLContext.Log</c>).</summary>
    public MagNetTrainer(Options options) : this(null, options)
    {
    }

    internal MagNetTrainer(IHostEnvironment? environment, Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Model, nameof(options.Model));
        _environment = environment;
        _options = options;
        new MagNetColumns(options.ImageColumnName, options.ExpressionColumnName, options.PredictedMaskColumnName,
            options.ProbabilityColumnName, options.ScoreColumnName).Validate();
        ArgumentException.ThrowIfNullOrWhiteSpace(options.MaskColumnName, nameof(options.MaskColumnName));
    }

    /// <summary>The settings this trainer uses (the same object that was passed in).</summary>
    public Options TrainerOptions => _options;

    /// <summary>
    /// Checks the image, expression and mask columns and returns the schema with the predicted mask (variable vector
    /// of Byte), probability (variable vector of Single) and score (Single) columns. Throws
    /// <see cref="ArgumentOutOfRangeException"/> naming a missing or mistyped column.
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        InputColumnCheck.Image.Require(inputSchema, _options.ImageColumnName, nameof(MagNetTrainer));
        InputColumnCheck.Text.Require(inputSchema, _options.ExpressionColumnName, nameof(MagNetTrainer));
        InputColumnCheck.Image.Require(inputSchema, _options.MaskColumnName, nameof(MagNetTrainer));
        return SchemaShapeFactory.Append(inputSchema,
            SchemaShapeFactory.Column(_options.PredictedMaskColumnName, SchemaShape.Column.VectorKind.VariableVector, NumberDataViewType.Byte),
            SchemaShapeFactory.Column(_options.ProbabilityColumnName, SchemaShape.Column.VectorKind.VariableVector, NumberDataViewType.Single),
            SchemaShapeFactory.Scalar(_options.ScoreColumnName, NumberDataViewType.Single));
    }

    /// <summary>Trains on <paramref name="input"/> (see the remarks) and returns the trained transformer; dispose it when done.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type (the message names it).</exception>
    /// <exception cref="InvalidDataException">A row cannot be used (the message names the row and column).</exception>
    /// <exception cref="MagNetTrainingDivergedException">The loss or weights stopped being finite.</exception>
    /// <exception cref="OperationCanceledException"><see cref="Options.CancellationToken"/> was cancelled (a checkpoint is written first).</exception>
    public MagNetTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var run = new MagNetTrainingRun(_environment, _options);
        var transformer = run.Run(input);
        transformer.GetOutputSchema(input.Schema);
        return transformer;
    }
}
