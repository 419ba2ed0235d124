using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Benchmarks;

/// <summary>
/// Model inputs for the first <see cref="Rows"/> pairs of a workload, made by the same preprocessing the transforms
/// run (<see cref="ImageTensorizer"/>: resize to S × S and ImageNet normalisation; <see cref="ExpressionTokenizer"/>:
/// BERT ids and attention mask of T tokens), held in flat arrays that both the TorchSharp tensors and the ONNX Runtime
/// values read.
/// </summary>
internal sealed class PreparedBatch
{
    private readonly OnnxWorkload _workload;
    private readonly ImageTensorizer _tensorizer;
    private readonly ExpressionTokenizer _tokenizer;

    public PreparedBatch(OnnxWorkload workload, int rows, int maxTokens)
    {
        if (rows > workload.Count) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"Only {workload.Count} pairs were rendered.");
        _workload = workload;
        _tensorizer = new ImageTensorizer(workload.ImageSize);
        _tokenizer = new ExpressionTokenizer(maxTokens);
        Rows = rows;
        MaxTokens = maxTokens;
        Pixels = new float[rows * _tensorizer.Length];
        Ids = new long[rows * maxTokens];
        Mask = new long[rows * maxTokens];
        Fill();
    }

    public int Rows { get; }

    public int MaxTokens { get; }

    public int ImageSize => _workload.ImageSize;

    /// <summary>Normalised images [Rows, 3, S, S].</summary>
    public float[] Pixels { get; }

    /// <summary>Token ids [Rows, T].</summary>
    public long[] Ids { get; }

    /// <summary>Attention mask [Rows, T].</summary>
    public long[] Mask { get; }

    /// <summary>
    /// Redoes the preprocessing of every row into the arrays: an image from the workload's pixels, tensorized, and
    /// the expression tokenized (what the transforms' cursors do per row). The values come out the same every time.
    /// </summary>
    public void Fill()
    {
        int length = _tensorizer.Length;
        for (int row = 0; row < Rows; row++)
        {
            using (var image = _workload.Image(row)) _tensorizer.Tensorize(image, Pixels.AsSpan(row * length, length));
            _tokenizer.Encode(_workload.Expression(row), Ids.AsSpan(row * MaxTokens, MaxTokens), Mask.AsSpan(row * MaxTokens, MaxTokens));
        }
    }

    /// <summary>TorchSharp tensors over copies of the arrays (image, input ids, attention mask); the caller disposes them.</summary>
    public (Tensor Image, Tensor InputIds, Tensor AttentionMask) TorchInputs() => (
        torch.tensor(Pixels, [Rows, 3, ImageSize, ImageSize]),
        torch.tensor(Ids, [Rows, MaxTokens]),
        torch.tensor(Mask, [Rows, MaxTokens]));

    /// <summary>ONNX Runtime values that read the arrays in place (image, input ids, attention mask); the caller disposes them.</summary>
    public OrtValue[] OrtInputs() =>
    [
        OrtValue.CreateTensorValueFromMemory(Pixels, [Rows, 3, ImageSize, ImageSize]),
        OrtValue.CreateTensorValueFromMemory(Ids, [Rows, MaxTokens]),
        OrtValue.CreateTensorValueFromMemory(Mask, [Rows, MaxTokens]),
    ];
}
