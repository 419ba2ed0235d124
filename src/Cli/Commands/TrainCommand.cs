using System.CommandLine;
using System.Globalization;
using MagNet.ML;
using MagNet.ML.Training;
using Microsoft.ML;

namespace MagNet.Cli.Commands;

/// <summary>
/// <c>magnet train --data DIR/data.jsonl --out model.zip [--preset MagNet-Tiny | --config FILE] [--epochs N]
/// [--batch-size N] [--lr X] [--text-lr-scale X] [--image-lr-scale X] [--image-weights FILE] [--threads N] [--val FILE | --val-split NAME] [--train-split NAME]
/// [--checkpoint PATH] [--seed N] [--no-mask-grounding] [--no-cam] [--no-cal] ...</c>: trains MagNet on labelled JSONL
/// rows and saves the model file (<see cref="MagNetTransformer.Save"/>), which <c>magnet predict</c> and
/// <c>magnet evaluate --model</c> read.
/// </summary>
/// <remarks>
/// Validation rows come from <c>--val FILE</c> (another JSONL) or from the rows of <c>--data</c> whose split is
/// <c>--val-split</c>; those rows are then left out of training. <c>--train-split</c> keeps only the rows of one split
/// for training. With validation the best epoch's weights are saved. A checkpoint (<c>--checkpoint</c>) that exists is
/// resumed from when the options and data are the same.
/// </remarks>
internal static class TrainCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Training rows: a JSONL file (image, expression, mask per line).", Required = true, HelpName = "FILE" };
        var output = new Option<string>("--out", "-o") { Description = "Model file to write (a zip).", Required = true, HelpName = "FILE" };
        var preset = new Option<string?>("--preset") { Description = "Model preset: MagNet-Tiny (default), MagNet-Tiny-R18 (ImageNet ResNet-18 image side) or MagNet-B.", HelpName = "NAME" };
        var config = new Option<string?>("--config") { Description = "Model configuration JSON instead of a preset.", HelpName = "FILE" };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training rows.", DefaultValueFactory = _ => 10 };
        var batchSize = new Option<int>("--batch-size") { Description = "Rows per optimisation step.", DefaultValueFactory = _ => 8 };
        var learningRate = new Option<double>("--lr") { Description = "Peak AdamW learning rate (poly schedule).", DefaultValueFactory = _ => 5e-5 };
        var textScale = new Option<double>("--text-lr-scale") { Description = "Multiplier of --lr for the pretrained text encoder.", DefaultValueFactory = _ => 1.0 };
        var imageScale = new Option<double>("--image-lr-scale") { Description = "Multiplier of --lr for the image network itself (0 freezes it).", DefaultValueFactory = _ => 1.0 };
        var imageWeights = new Option<string?>("--image-weights") { Description = "ResNet18.onnx of ML.NET's DnnImageFeaturizer package for a ResNet image side (default: the copy next to this program).", HelpName = "FILE" };
        var weightDecay = new Option<double>("--weight-decay") { Description = "AdamW weight decay.", DefaultValueFactory = _ => 1e-2 };
        var clip = new Option<double>("--clip") { Description = "Clip the gradient norm to this value (0 = off).", DefaultValueFactory = _ => 0.0 };
        var threads = new Option<int?>("--threads") { Description = "TorchSharp threads (default: leave torch's setting)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the initialisation, shuffling and masking.", DefaultValueFactory = _ => 1 };
        var validation = new Option<string?>("--val") { Description = "Validation rows: another JSONL file.", HelpName = "FILE" };
        var validationSplit = new Option<string?>("--val-split") { Description = "Validation rows: the rows of --data with this split (left out of training).", HelpName = "NAME" };
        var trainSplit = new Option<string?>("--train-split") { Description = "Train only on the rows of --data with this split.", HelpName = "NAME" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Checkpoint file, written during training and resumed from if it exists.", HelpName = "FILE" };
        var initialWeights = new Option<string?>("--initial-weights") { Description = "Weights to start from (.pth or safetensors).", HelpName = "FILE" };
        var noMaskGrounding = new Option<bool>("--no-mask-grounding") { Description = "Train without Mask Grounding." };
        var noCam = new Option<bool>("--no-cam") { Description = "Use the model without the cross-modal alignment module (LAVT's stage)." };
        var noCal = new Option<bool>("--no-cal") { Description = "Train without the cross-modal alignment loss." };
        var maskLoss = new Option<MaskPointSampling>("--mask-loss")
        {
            Description = "Where the mask BCE and Dice are computed: FullMap (the logit map), GroundTruthResolution (logits upsampled to the mask as at inference) or UncertaintyPoints (Mask2Former's sampling).",
            DefaultValueFactory = _ => MaskPointSampling.FullMap,
            HelpName = "WHERE",
        };

        var command = new Command("train", "Train MagNet on labelled rows (JSONL) and save the model file.")
        {
            data, output, preset, config, epochs, batchSize, learningRate, textScale, imageScale, imageWeights, weightDecay, clip, threads, seed,
            validation, validationSplit, trainSplit, checkpoint, initialWeights, noMaskGrounding, noCam, noCal, maskLoss,
        };
        command.SetAction(parse =>
        {
            var writer = parse.InvocationConfiguration.Output;
            string dataPath = parse.GetRequiredValue(data), modelPath = parse.GetRequiredValue(output);
            string? valPath = parse.GetValue(validation), valSplit = parse.GetValue(validationSplit), onlySplit = parse.GetValue(trainSplit);
            if (valPath is not null && valSplit is not null) throw new ArgumentException("train: give at most one of --val and --val-split.");
            if (valSplit is not null && valSplit == onlySplit) throw new ArgumentException($"train: --train-split and --val-split are both '{valSplit}'.");
            RequireAtLeast(parse.GetValue(epochs), 1, "--epochs");
            RequireAtLeast(parse.GetValue(batchSize), 1, "--batch-size");
            if (parse.GetValue(threads) is int t) RequireAtLeast(t, 1, "--threads");
            RequireNonNegative(parse.GetValue(learningRate), "--lr");
            RequireNonNegative(parse.GetValue(textScale), "--text-lr-scale");
            RequireNonNegative(parse.GetValue(imageScale), "--image-lr-scale");
            RequireNonNegative(parse.GetValue(weightDecay), "--weight-decay");
            RequireNonNegative(parse.GetValue(clip), "--clip");

            var model = ModelConfigOptions.Resolve(parse.GetValue(preset) ?? (parse.GetValue(config) is null ? "MagNet-Tiny" : null), parse.GetValue(config));
            if (parse.GetValue(noCam)) model.UseCam = false;

            var all = ReferringJsonlInput.ReadLabelled(dataPath, null, "train --data");
            IReadOnlyList<ReferringRecord> rows = all;
            if (onlySplit is not null)
            {
                rows = all.Where(r => r.Split == onlySplit).ToList();
                if (rows.Count == 0)
                    throw new InvalidDataException($"train --train-split: '{dataPath}' has no rows of split '{onlySplit}'; its splits are: {ReferringJsonlInput.Splits(all)}.");
            }
            IReadOnlyList<ReferringRecord>? valRows = null;
            if (valSplit is not null)
            {
                valRows = all.Where(r => r.Split == valSplit).ToList();
                if (valRows.Count == 0)
                    throw new InvalidDataException($"train --val-split: '{dataPath}' has no rows of split '{valSplit}'; its splits are: {ReferringJsonlInput.Splits(all)}.");
                rows = rows.Where(r => r.Split != valSplit).ToList();
                if (rows.Count == 0) throw new InvalidDataException($"train: every row of '{dataPath}' is in the validation split '{valSplit}'; none is left to train on.");
            }
            else if (valPath is not null)
            {
                valRows = ReferringJsonlInput.ReadLabelled(valPath, null, "train --val");
            }
            if (parse.GetValue(checkpoint) is string checkpointPath && Path.GetDirectoryName(Path.GetFullPath(checkpointPath)) is string checkpointFolder)
                Directory.CreateDirectory(checkpointFolder);

            NativeAllocator.KeepFreedMemoryForReuse(); // fewer page faults per step on Linux; see NativeAllocator
            var ml = new MLContext(seed: parse.GetValue(seed));
            var progress = new TrainingProgressBar(writer, TrainingProgressBar.IsInteractive(writer));
            var options = new MagNetTrainer.Options
            {
                Model = model,
                MaxEpochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batchSize),
                LearningRate = parse.GetValue(learningRate),
                TextEncoderLearningRateScale = parse.GetValue(textScale),
                ImageEncoderLearningRateScale = parse.GetValue(imageScale),
                ImageEncoderWeightsPath = parse.GetValue(imageWeights),
                WeightDecay = parse.GetValue(weightDecay),
                GradientClipNorm = parse.GetValue(clip),
                NumberOfThreads = parse.GetValue(threads),
                Seed = parse.GetValue(seed),
                UseMaskGrounding = !parse.GetValue(noMaskGrounding),
                UseCrossModalAlignmentLoss = !parse.GetValue(noCal),
                SegmentationLoss = new SegmentationLossOptions { Sampling = parse.GetValue(maskLoss) },
                ValidationSet = valRows is null ? null : ReferringDatasets.FromRecords(ml, valRows),
                CheckpointPath = parse.GetValue(checkpoint),
                InitialWeightsPath = parse.GetValue(initialWeights),
                LogEveryNSteps = 1,
                Progress = progress,
            };
            writer.WriteLine($"Training {model.Name} on {rows.Count} rows{(valRows is null ? "" : $" (validation {valRows.Count} rows)")}, " +
                             $"{options.MaxEpochs} epochs of batch {options.BatchSize}.");
            using (var trained = ml.Transforms.ReferringSegmentation(options).Fit(ReferringDatasets.FromRecords(ml, rows)))
            {
                progress.EndBar();
                string? folder = Path.GetDirectoryName(Path.GetFullPath(modelPath));
                if (folder is not null) Directory.CreateDirectory(folder);
                trained.Save(modelPath);
            }
            string best = progress.BestValidationOverallIoU is double iou
                ? string.Format(CultureInfo.InvariantCulture, " (best validation oIoU {0:F4})", iou) : "";
            writer.WriteLine($"Saved the model to {Path.GetFullPath(modelPath)}{best}.");
            return 0;
        });
        return command;
    }

    private static void RequireAtLeast(int value, int minimum, string flag)
    {
        if (value < minimum) throw new ArgumentException($"train {flag}: {value} is not allowed; it must be at least {minimum}.");
    }

    private static void RequireNonNegative(double value, string flag)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture, "train {0}: {1} is not allowed; it must be a finite number ≥ 0.", flag, value));
    }
}
