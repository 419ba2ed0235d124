using MagNet.ML.Modeling;
using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MagNet.ML;

/// <summary>
/// Runs the model on up to <see cref="Capacity"/> (image, expression) pairs at once and keeps each row's outputs at
/// its original image size: the probability map (the official post-processing at S×S, then bilinear resize to the
/// original size), the 0/1 mask (probability &gt; threshold) and the target-present score (softmax of the class
/// logits, object class). Inputs are preprocessed into reused arrays; each run is one forward in eval mode under
/// <c>no_grad</c> inside its own dispose scope. One instance per thread.
/// </summary>
internal sealed class MagNetBatchInference
{
    private readonly MagNetTransformer _owner;
    private readonly float[] _pixels;
    private readonly long[] _ids;
    private readonly long[] _attention;
    private readonly int _imageSize, _maxTokens;

    public MagNetBatchInference(MagNetTransformer owner, int capacity)
    {
        _owner = owner;
        Capacity = capacity;
        _imageSize = owner.Tensorizer.ImageSize;
        _maxTokens = owner.Tokenizer.MaxTokens;
        _pixels = new float[capacity * owner.Tensorizer.Length];
        _ids = new long[capacity * _maxTokens];
        _attention = new long[capacity * _maxTokens];
        Width = new int[capacity];
        Height = new int[capacity];
        Score = new float[capacity];
        Probability = new float[capacity][];
        Mask = new byte[capacity][];
        for (int i = 0; i < capacity; i++)
        {
            Probability[i] = [];
            Mask[i] = [];
        }
    }

    /// <summary>Rows per run.</summary>
    public int Capacity { get; }

    /// <summary>Original width of each slot's image.</summary>
    public int[] Width { get; }

    /// <summary>Original height of each slot's image.</summary>
    public int[] Height { get; }

    /// <summary>Per slot: the probability map, row-major, its first Width·Height values valid.</summary>
    public float[][] Probability { get; }

    /// <summary>Per slot: the 0/1 mask, row-major, its first Width·Height values valid.</summary>
    public byte[][] Mask { get; }

    /// <summary>Per slot: the target-present score.</summary>
    public float[] Score { get; }

    /// <summary>Preprocesses one row into <paramref name="slot"/>.</summary>
    public void Load(int slot, MLImage image, ReadOnlySpan<char> expression)
    {
        int length = _owner.Tensorizer.Length;
        _owner.Tensorizer.Tensorize(image, _pixels.AsSpan(slot * length, length));
        _owner.Tokenizer.Encode(expression, _ids.AsSpan(slot * _maxTokens, _maxTokens), _attention.AsSpan(slot * _maxTokens, _maxTokens));
        Width[slot] = image.Width;
        Height[slot] = image.Height;
    }

    /// <summary>Runs the model on slots 0..<paramref name="count"/>−1.</summary>
    public void Run(int count)
    {
        var shared = _owner.Shared;
        lock (shared.Gate)
        {
            var model = shared.Model;
            var device = shared.Device;
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            if (model.training) model.eval();   // a recursive walk over every module: only when needed
            long s = _imageSize;
            var image = from_array(_pixels).view(Capacity, 3, s, s).narrow(0, 0, count).to(device);
            var ids = from_array(_ids).view(Capacity, _maxTokens).narrow(0, 0, count).to(device);
            var attention = from_array(_attention).view(Capacity, _maxTokens).narrow(0, 0, count).to(device);
            using var output = model.forward(image, ids, attention);
            var logits = output.Head.PredMasks;                                                                          // [N,1,S/4,S/4]
            var scores = F.softmax(output.Head.PredLogits.select(1, 0), -1).select(1, 0).cpu();                         // [N]
            using (var accessor = scores.data<float>()) accessor.CopyTo(Score.AsSpan(0, count));
            for (int i = 0; i < count; i++)
            {
                int pixels = Width[i] * Height[i];
                // The official post-processing (semantic_inference), taken straight to the original size: mask logits
                // upsampled bilinearly with aligned corners, then sigmoid (the one-query class factor is exactly 1).
                // At H = W = S this is the official probability map; the ONNX transform computes the same.
                var resized = F.interpolate(logits.narrow(0, i, 1), [Height[i], Width[i]], mode: InterpolationMode.Bilinear, align_corners: true)
                    .sigmoid().reshape(-1).cpu();
                if (Probability[i].Length != pixels)
                {
                    Probability[i] = new float[pixels];
                    Mask[i] = new byte[pixels];
                }
                using (var accessor = resized.data<float>()) accessor.CopyTo(Probability[i].AsSpan());
                float threshold = _owner.Threshold;
                var values = Probability[i];
                var mask = Mask[i];
                for (int p = 0; p < pixels; p++) mask[p] = values[p] > threshold ? (byte)1 : (byte)0;
            }
        }
    }
}
