using MagNet.ML.Visualization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Samples;

/// <summary>Loads a saved model and segments what one sentence describes in one image; writes an overlay PNG.</summary>
internal static class PredictSingleImage
{
    public static int Run(string[] args)
    {
        if (args.Length != 4)
        {
            Console.Error.WriteLine("predict-single-image MODEL.zip IMAGE \"expression\" OUT_OVERLAY.png");
            return 2;
        }
        var ml = new MLContext(seed: 1);
        using MagNetTransformer model = MagNetTransformer.Load(ml, args[0]);
        using MLImage image = MLImage.CreateFromFile(args[1]);

        MagNetPrediction prediction = model.Predict(image, args[2]);   // mask and probability at the image's size
        MaskOverlay.SavePng(args[3], image, prediction.Mask, args[2]);
        Console.WriteLine($"score {prediction.Score:F3}, mask {prediction.Mask.Area} pixels; wrote {args[3]}");
        return 0;
    }
}
