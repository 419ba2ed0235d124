using MagNet.ML;
using Microsoft.ML;
using Microsoft.ML.Data;

// Segments what a sentence describes in an image with an ONNX MagNet model:
//   dotnet run -- MODEL.onnx IMAGE.png "the red circle left of the blue square" [--mask-logits NAME] [--gpu ID] [--out MASK.png]
// MODEL.onnx: exported with `magnet export-onnx` (outputs mask_logits, pred_logits), or by the official PyTorch code
// (pass --mask-logits pred_masks). The mask is written at the image's own size.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: MagNet.ML.OnnxInference MODEL.onnx IMAGE EXPRESSION [--mask-logits NAME] [--gpu ID] [--out MASK.png]");
    return 2;
}
string modelPath = args[0], imagePath = args[1], expression = args[2];
string maskLogits = Option("--mask-logits") ?? "mask_logits";
int? gpu = Option("--gpu") is string id ? int.Parse(id, System.Globalization.CultureInfo.InvariantCulture) : null;
string output = Option("--out") ?? Path.ChangeExtension(imagePath, ".mask.png");

var ml = new MLContext(seed: 1);
var data = ml.Data.LoadFromEnumerable(new[] { new Input { ImagePath = Path.GetFullPath(imagePath), Expression = expression } });
var pipeline = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(Input.ImagePath))
    .Append(ml.Transforms.ApplyReferringSegmentationOnnx(new ReferringSegmentationOnnxEstimator.Options
    {
        ModelPath = modelPath,
        MaskLogitsOutputName = maskLogits,
        GpuDeviceId = gpu,
        FallbackToCpu = true,
    }));
using var model = pipeline.Fit(data);
var scored = model.Transform(data);
bool hasScore = scored.Schema.GetColumnOrNull("Score") is not null;
using var cursor = scored.GetRowCursor(scored.Schema);
var imageGetter = cursor.GetGetter<MLImage>(scored.Schema["Image"]);
var maskGetter = cursor.GetGetter<VBuffer<byte>>(scored.Schema["PredictedMask"]);
ValueGetter<float>? scoreGetter = hasScore ? cursor.GetGetter<float>(scored.Schema["Score"]) : null;
cursor.MoveNext();
MLImage image = null!;
imageGetter(ref image);
VBuffer<byte> mask = default;
maskGetter(ref mask);
float score = 0;
scoreGetter?.Invoke(ref score);

var binary = new BinaryMask(image.Width, image.Height, mask.DenseValues().ToArray());
binary.SavePng(output);
Console.WriteLine($"'{expression}': {binary.Area} of {image.Width * image.Height} pixels" +
    (hasScore ? $", target score {score:F3}" : "") + $"; mask written to {output}");
return 0;

string? Option(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

internal sealed class Input
{
    public string ImagePath { get; set; } = "";

    public string Expression { get; set; } = "";
}
