using System.Globalization;
using MagNet.ML.Training;

namespace MagNet.ML.QuickStart;

/// <summary>
/// What the quick start does. The defaults are the best found for a run of at most about a quarter of an hour on 2
/// cores (bench/QUICKSTART-TUNING.md records every tuning run). Every field can be changed on the command line,
/// e.g. <c>--epochs 3 --train-rows 2000</c>; <c>--help</c> lists them.
/// </summary>
internal sealed class QuickStartSettings
{
    public string OutputDirectory = "quickstart-output";
    public int Seed = 1;
    public int TrainRows = 1000;
    public int ValidationRows = 200;
    public int TestRows = 200;
    public int ExpressionsPerScene = 1;
    public int Epochs = 3;
    public int BatchSize = 8;
    public double? LearningRate;
    public double TextEncoderLearningRateScale = 0.1;
    public string ImageEncoder = ResNet18;
    public double? ImageEncoderLearningRateScale;
    public double WeightDecay = 1e-2;
    public double GradientClipNorm = 1.0;
    public int Threads = 2;
    public bool MaskGrounding = true;
    public bool AlignmentLoss = true;
    public MaskPointSampling MaskLossSampling = MaskPointSampling.GroundTruthResolution;
    public bool WriteDataFiles;
    public int OverlaysPerSplit = 6;

    private static readonly (string Flag, string Help)[] Flags =
    [
        ("--out DIR", "output folder (default quickstart-output)"),
        ("--seed N", "seed of the data and the training (default 1)"),
        ("--train-rows N", "training expressions (default 1000)"),
        ("--val-rows N", "validation expressions (default 200)"),
        ("--test-rows N", "expressions per held-out split (default 200)"),
        ("--expressions-per-scene N", "expressions per generated image (default 1)"),
        ("--epochs N", "passes over the training rows (default 3)"),
        ("--batch-size N", "rows per step (default 8)"),
        ("--lr X", "peak AdamW learning rate of the randomly initialised parts (default 3e-4 with resnet18, 5e-4 with swin)"),
        ("--text-lr-scale X", "multiplier of --lr for the pretrained MiniLM text encoder; 0 freezes it (default 0.1)"),
        ("--image-encoder NAME", "resnet18 (ImageNet ResNet-18 of ML.NET's DnnImageFeaturizer package) or swin (the official Swin, random start) (default resnet18)"),
        ("--image-lr-scale X", "multiplier of --lr for the image network itself, 0 freezes it (default 0 for resnet18, 1 for swin)"),
        ("--weight-decay X", "AdamW weight decay (default 1e-2)"),
        ("--clip X", "gradient-norm clip, 0 = off (default 1)"),
        ("--threads N", "TorchSharp threads (default 2)"),
        ("--no-mask-grounding", "train without Mask Grounding"),
        ("--no-cal", "train without the cross-modal alignment loss"),
        ("--mask-loss WHERE", "where the mask BCE and Dice are computed: logits (the logit map), ground-truth (logits upsampled to the mask) or points (Mask2Former's sampling) (default ground-truth)"),
        ("--write-data", "also write the synthetic set as files under OUT/data"),
        ("--overlays N", "overlay PNGs per split (default 6)"),
    ];

    public static string Usage =>
        "Usage: dotnet run -c Release --project samples/MagNet.ML.QuickStart [-- options]\n" +
        string.Join("\n", Flags.Select(f => $"  {f.Flag,-28}{f.Help}"));

    /// <summary>Reads the command line; throws <see cref="ArgumentException"/> naming a bad flag or value.</summary>
    public static QuickStartSettings Parse(IReadOnlyList<string> args)
    {
        var s = new QuickStartSettings();
        for (int i = 0; i < args.Count; i++)
        {
            string flag = args[i];
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{flag} needs a value.");
            int Int(int min)
            {
                string text = Next();
                if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < min)
                    throw new ArgumentException($"{flag}: '{text}' is not an integer ≥ {min}.");
                return v;
            }
            double Real()
            {
                string text = Next();
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v >= 0) || double.IsInfinity(v))
                    throw new ArgumentException($"{flag}: '{text}' is not a finite number ≥ 0.");
                return v;
            }
            switch (flag)
            {
                case "--out": s.OutputDirectory = Next(); break;
                case "--seed": s.Seed = Int(0); break;
                case "--train-rows": s.TrainRows = Int(1); break;
                case "--val-rows": s.ValidationRows = Int(1); break;
                case "--test-rows": s.TestRows = Int(1); break;
                case "--expressions-per-scene": s.ExpressionsPerScene = Int(1); break;
                case "--epochs": s.Epochs = Int(1); break;
                case "--batch-size": s.BatchSize = Int(1); break;
                case "--lr": s.LearningRate = Real(); break;
                case "--text-lr-scale": s.TextEncoderLearningRateScale = Real(); break;
                case "--image-encoder":
                    s.ImageEncoder = Next();
                    if (s.ImageEncoder is not (ResNet18 or Swin)) throw new ArgumentException($"--image-encoder: '{s.ImageEncoder}' is not {ResNet18} or {Swin}.");
                    break;
                case "--image-lr-scale": s.ImageEncoderLearningRateScale = Real(); break;
                case "--weight-decay": s.WeightDecay = Real(); break;
                case "--clip": s.GradientClipNorm = Real(); break;
                case "--threads": s.Threads = Int(1); break;
                case "--no-mask-grounding": s.MaskGrounding = false; break;
                case "--no-cal": s.AlignmentLoss = false; break;
                case "--mask-loss":
                    var where = Next();
                    s.MaskLossSampling = where switch
                    {
                        "logits" => MaskPointSampling.FullMap,
                        "ground-truth" => MaskPointSampling.GroundTruthResolution,
                        "points" => MaskPointSampling.UncertaintyPoints,
                        _ => throw new ArgumentException($"--mask-loss: '{where}' is not logits, ground-truth or points."),
                    };
                    break;
                case "--write-data": s.WriteDataFiles = true; break;
                case "--overlays": s.OverlaysPerSplit = Int(0); break;
                default: throw new ArgumentException($"Unknown option '{flag}'.\n{Usage}");
            }
        }
        return s;
    }

    public const string ResNet18 = "resnet18", Swin = "swin";

    /// <summary>The peak learning rate: as given, else the best found for the image encoder (bench/QUICKSTART-TUNING.md).</summary>
    public double Rate => LearningRate ?? (ImageEncoder == ResNet18 ? 3e-4 : 5e-4);

    /// <summary>The image network's learning-rate scale: as given, else 0 (frozen) for the pretrained ResNet-18, 1 for the random Swin.</summary>
    public double ImageScale => ImageEncoderLearningRateScale ?? (ImageEncoder == ResNet18 ? 0 : 1);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{TrainRows} train rows ({ExpressionsPerScene}/scene), {Epochs} epochs, batch {BatchSize}, lr {Rate:G3} " +
        $"(text encoder ×{TextEncoderLearningRateScale:G3}, {ImageEncoder} image encoder ×{ImageScale:G3}), wd {WeightDecay:G3}, clip {GradientClipNorm:G3}, {Threads} threads, " +
        $"Mask Grounding {(MaskGrounding ? "on" : "off")}, CAL {(AlignmentLoss ? "on" : "off")}, mask loss {MaskLossSampling}, seed {Seed}");
}
