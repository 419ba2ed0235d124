using MagNet.ML.Internal;
using Microsoft.ML;

namespace MagNet.ML;

/// <summary>
/// MagNet training and inference on <c>mlContext.Transforms</c> (<c>using MagNet.ML;</c>): train with
/// <see cref="ReferringSegmentation(TransformsCatalog, MagNetTrainer.Options)"/>, run a saved or official model with
/// <see cref="ApplyReferringSegmentation"/>.
/// </summary>
public static class ReferringSegmentationTrainingCatalog
{
    /// <summary>Trains MagNet with the given <paramref name="options"/> (see <see cref="MagNetTrainer"/>).</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">Everything about the run.</param>
    public static MagNetTrainer ReferringSegmentation(this TransformsCatalog catalog, MagNetTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new MagNetTrainer(CatalogEnvironment.Get(catalog), options);
    }

    /// <summary>Trains MagNet with the most used settings; every other setting keeps its <see cref="MagNetTrainer.Options"/> default.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="model">The model configuration; null for <see cref="MagNetConfig.MagNetTiny"/>.</param>
    /// <param name="imageColumnName">Image column (MLImage).</param>
    /// <param name="expressionColumnName">Expression column (text).</param>
    /// <param name="maskColumnName">Ground-truth mask column (MLImage).</param>
    /// <param name="maxEpochs">Passes over the data.</param>
    /// <param name="batchSize">Rows per step.</param>
    /// <param name="learningRate">Peak AdamW learning rate.</param>
    /// <param name="validationSet">Rows to compute oIoU on after each epoch (best epoch kept); null for none.</param>
    /// <param name="checkpointPath">Checkpoint file to write and resume from; null for none.</param>
    /// <param name="initialWeightsPath">Official or safetensors weights to start from; null for none.</param>
    /// <param name="seed">Seed of everything random.</param>
    public static MagNetTrainer ReferringSegmentation(this TransformsCatalog catalog,
        MagNetConfig? model = null,
        string imageColumnName = ReferringColumnNames.Image,
        string expressionColumnName = ReferringColumnNames.Expression,
        string maskColumnName = ReferringColumnNames.Mask,
        int maxEpochs = 10,
        int batchSize = 8,
        double learningRate = 5e-5,
        IDataView? validationSet = null,
        string? checkpointPath = null,
        string? initialWeightsPath = null,
        int seed = 1)
        => catalog.ReferringSegmentation(new MagNetTrainer.Options
        {
            Model = model ?? MagNetConfig.MagNetTiny(),
            ImageColumnName = imageColumnName,
            ExpressionColumnName = expressionColumnName,
            MaskColumnName = maskColumnName,
            MaxEpochs = maxEpochs,
            BatchSize = batchSize,
            LearningRate = learningRate,
            ValidationSet = validationSet,
            CheckpointPath = checkpointPath,
            InitialWeightsPath = initialWeightsPath,
            Seed = seed,
        });

    /// <summary>
    /// Runs a trained model without training (inference only): a MagNet.ML model file (<see cref="MagNetTransformer.Save"/>)
    /// or a weights file — an official <c>.pth</c> checkpoint, a flat <c>.pth</c> state dict or safetensors — with its
    /// <paramref name="config"/> (e.g. <see cref="MagNetConfig.MagNetB"/> for the released checkpoints). Fitting loads
    /// the file and checks the input columns.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="modelOrWeightsPath">A MagNet.ML model file, or a weights file.</param>
    /// <param name="config">Required with a weights file; must be null with a model file (it carries its own).</param>
    /// <param name="imageColumnName">Image column; null for the model file's (or <c>Image</c>).</param>
    /// <param name="expressionColumnName">Expression column; null for the model file's (or <c>Expression</c>).</param>
    /// <param name="predictedMaskColumnName">Predicted-mask column; null for the model file's (or <c>PredictedMask</c>).</param>
    /// <param name="probabilityColumnName">Probability column; null for the model file's (or <c>Probability</c>).</param>
    /// <param name="scoreColumnName">Score column; null for the model file's (or <c>Score</c>).</param>
    /// <param name="threshold">Mask threshold; null for the model file's (or 0.5).</param>
    /// <param name="batchSize">Rows per forward pass; null for the model file's (or 4).</param>
    /// <param name="vocabularyPath">With a weights file: a BERT vocab.txt; null for the embedded bert-base-uncased one.</param>
    /// <param name="gpuDeviceId">CUDA device; null for the CPU.</param>
    /// <param name="fallbackToCpu">Use the CPU when the CUDA device is not usable (otherwise throw).</param>
    public static MagNetScoringEstimator ApplyReferringSegmentation(this TransformsCatalog catalog,
        string modelOrWeightsPath,
        MagNetConfig? config = null,
        string? imageColumnName = null,
        string? expressionColumnName = null,
        string? predictedMaskColumnName = null,
        string? probabilityColumnName = null,
        string? scoreColumnName = null,
        float? threshold = null,
        int? batchSize = null,
        string? vocabularyPath = null,
        int? gpuDeviceId = null,
        bool fallbackToCpu = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new MagNetScoringEstimator(CatalogEnvironment.Get(catalog), new MagNetScoringEstimator.Options
        {
            ModelOrWeightsPath = modelOrWeightsPath,
            Config = config,
            ImageColumnName = imageColumnName,
            ExpressionColumnName = expressionColumnName,
            PredictedMaskColumnName = predictedMaskColumnName,
            ProbabilityColumnName = probabilityColumnName,
            ScoreColumnName = scoreColumnName,
            Threshold = threshold,
            BatchSize = batchSize,
            VocabularyPath = vocabularyPath,
            GpuDeviceId = gpuDeviceId,
            FallbackToCpu = fallbackToCpu,
        });
    }
}
