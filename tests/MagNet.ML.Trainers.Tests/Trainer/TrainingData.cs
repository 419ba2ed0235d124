using Microsoft.ML;

namespace MagNet.ML.Tests.Trainer;

/// <summary>Tiny labelled data for the trainer tests: rows of the built-in synthetic set at 64².</summary>
internal static class TrainingData
{
    /// <summary><paramref name="count"/> synthetic rows (64², one expression per scene) of <paramref name="split"/>.</summary>
    public static IDataView Synthetic(MLContext ml, int count, int seed = 3, string split = "train") =>
        ReferringDatasets.LoadSynthetic(ml, new SyntheticReferringDataset.Options { Seed = seed, Size = 64, Count = count, Split = split });

    /// <summary>Trainer options for <see cref="TinyConfigs.Model"/> with a small Mask Grounding head and a high learning rate.</summary>
    public static MagNetTrainer.Options Options(bool maskGrounding = true, bool alignment = true, bool useCam = true) => new()
    {
        Model = TinyConfigs.Model(useCam),
        MaxEpochs = 2,
        BatchSize = 4,
        LearningRate = 1e-3,
        NumberOfThreads = 1,
        UseMaskGrounding = maskGrounding,
        UseCrossModalAlignmentLoss = alignment,
        MaskGrounding = new MagNet.ML.Training.MaskGroundingOptions { HiddenSize = 16, NumLayers = 1, NumHeads = 2, IntermediateSize = 32, MaskEncoderChannels = 4 },
        InferenceBatchSize = 3,
        LogEveryNSteps = 1,
    };
}
