using System.CommandLine;
using System.Globalization;
using MagNet.ML;
using MagNet.ML.Visualization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.Cli.Commands;

/// <summary>
/// <c>magnet predict --model model.zip --image IMG --text "..." --out overlay.png [--mask mask.png] [--threads N]</c>:
/// segments what the text describes in one image (PNG, JPEG or any format MLImage reads), writes an overlay (mask
/// tint, outline, the text) and optionally the 0/255 mask, and prints the target-present score and the mask area.
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Model file written by magnet train (or MagNetTransformer.Save).", Required = true, HelpName = "FILE" };
        var image = new Option<string>("--image", "-i") { Description = "Image file (PNG, JPEG, ...).", Required = true, HelpName = "FILE" };
        var text = new Option<string>("--text", "-t") { Description = "The referring expression.", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Overlay PNG to write (mask tint, outline, the text).", Required = true, HelpName = "FILE" };
        var mask = new Option<string?>("--mask") { Description = "Also write the predicted mask as a 0/255 PNG.", HelpName = "FILE" };
        var threads = new Option<int?>("--threads") { Description = "TorchSharp threads (default: leave torch's setting)." };
        var command = new Command("predict", "Segment the object a sentence describes in one image with a trained model.")
        {
            model, image, text, output, mask, threads,
        };
        command.SetAction(parse =>
        {
            var writer = parse.InvocationConfiguration.Output;
            string modelPath = parse.GetRequiredValue(model), imagePath = parse.GetRequiredValue(image);
            string expression = parse.GetRequiredValue(text), overlayPath = parse.GetRequiredValue(output);
            string? maskPath = parse.GetValue(mask);
            if (string.IsNullOrWhiteSpace(expression)) throw new ArgumentException("predict --text: the expression is empty.");
            if (parse.GetValue(threads) is int t)
            {
                if (t < 1) throw new ArgumentException($"predict --threads: {t} is not allowed; it must be at least 1.");
                TorchSharp.torch.set_num_threads(t);
            }
            using var picture = LoadImage(imagePath);
            if (!File.Exists(modelPath)) throw new FileNotFoundException($"predict --model: the model file '{modelPath}' does not exist.", modelPath);
            using var transformer = MagNetTransformer.Load(new MLContext(seed: 1), modelPath);
            var prediction = transformer.Predict(picture, expression);

            CreateFolderOf(overlayPath);
            MaskOverlay.SavePng(overlayPath, picture, prediction.Mask, expression);
            if (maskPath is not null)
            {
                CreateFolderOf(maskPath);
                prediction.Mask.SavePng(maskPath);
            }
            var c = CultureInfo.InvariantCulture;
            writer.WriteLine(string.Format(c, "score {0:R}", prediction.Score));
            writer.WriteLine(string.Format(c, "mask {0} of {1} pixels ({2}×{3})", prediction.Mask.Area, (long)prediction.Width * prediction.Height,
                prediction.Width, prediction.Height));
            writer.WriteLine($"Wrote {Path.GetFullPath(overlayPath)}{(maskPath is null ? "" : $" and {Path.GetFullPath(maskPath)}")}.");
            return 0;
        });
        return command;
    }

    /// <summary>Reads the image, with a clear error for a missing or undecodable file.</summary>
    private static MLImage LoadImage(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"predict --image: the image file '{path}' does not exist.", path);
        try
        {
            return MLImage.CreateFromFile(path);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"predict --image: '{path}' is not an image this tool can read (PNG, JPEG, BMP, GIF, WebP): {e.Message}", e);
        }
    }

    private static void CreateFolderOf(string path)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
    }
}
