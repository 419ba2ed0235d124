using MagNet.ML.Modeling;
using Microsoft.ML;

namespace MagNet.ML.Samples;

/// <summary>Trains MagNet-Tiny on a small synthetic set, evaluates it on held-out rows and saves the model.</summary>
internal static class TrainAndEvaluate
{
    public static int Run(string[] args)
    {
        string modelPath = args.Length > 0 ? args[0] : "magnet-tiny.zip";
        var ml = new MLContext(seed: 1);
        IDataView train = ReferringDatasets.LoadSynthetic(ml, new SyntheticReferringDataset.Options { Count = 400, Split = "train" });
        IDataView val = ReferringDatasets.LoadSynthetic(ml, new SyntheticReferringDataset.Options { Count = 100, Split = "val" });

        var trainer = ml.Transforms.ReferringSegmentation(new MagNetTrainer.Options
        {
            Model = MagNetConfig.MagNetTiny(),       // MiniLM-L6 text encoder, random image side
            MaxEpochs = 2,
            LearningRate = 5e-4,
            TextEncoderLearningRateScale = 0.1,      // the pretrained text encoder moves 10× slower
            GradientClipNorm = 1,
            NumberOfThreads = 2,
            ValidationSet = val,                     // oIoU after every epoch; the best epoch is kept
        });
        using MagNetTransformer model = trainer.Fit(train);

        IDataView scored = model.Transform(val);   // adds PredictedMask, Probability, Score
        ReferringSegmentationMetrics metrics = ml.Transforms.EvaluateReferringSegmentation(scored, groupColumnName: "Template");
        Console.WriteLine(metrics);

        model.Save(modelPath);                      // one file; MagNetTransformer.Load reads it in any process
        Console.WriteLine($"Saved {modelPath}");
        return 0;
    }
}
