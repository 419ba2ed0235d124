using MagNet.ML.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace MagNet.ML.Benchmarks;

/// <summary>
/// An ONNX Runtime <see cref="InferenceSession"/> on the CPU provider with the settings the ONNX transform's session
/// gets from ML.NET (graph optimisation ALL, sequential execution, memory pattern on, the CPU arena as asked),
/// <c>threads</c> intra-op threads and one inter-op thread, run on one prepared batch whose inputs it reads in place.
/// </summary>
internal sealed class RawOnnxSession : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly OrtValue[] _inputs;
    private readonly string[] _inputNames = ["image", "input_ids", "attention_mask"];
    private readonly string[] _outputNames = ["mask_logits", "pred_logits"];
    private readonly RunOptions _run = new();

    public RawOnnxSession(string modelPath, int threads, bool cpuArena, PreparedBatch batch)
    {
        _options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            EnableMemoryPattern = true,
            EnableCpuMemArena = cpuArena,
        };
        _session = new InferenceSession(modelPath, _options);
        _inputs = batch.OrtInputs();
        Batch = batch;
    }

    public PreparedBatch Batch { get; }

    /// <summary>Runs the model; the outputs (mask logits [N, 1, h, w], class logits [N, 1, K+1]) belong to the caller.</summary>
    public IDisposableReadOnlyCollection<OrtValue> Run() => _session.Run(_run, _inputNames, _inputs, _outputNames);

    /// <summary>
    /// The transform's post-processing of every row of <paramref name="outputs"/>: probability and mask at the image
    /// size, and the score. Returns the number of mask pixels set (so the work cannot be skipped).
    /// </summary>
    public long Postprocess(IDisposableReadOnlyCollection<OrtValue> outputs, float threshold = 0.5f)
    {
        var logits = outputs[0];
        var shape = logits.GetTensorTypeAndShape().Shape;
        int h = (int)shape[2], w = (int)shape[3], size = Batch.ImageSize;
        var maskLogits = logits.GetTensorDataAsSpan<float>();
        var classLogits = outputs[1].GetTensorDataAsSpan<float>();
        int classes = classLogits.Length / Batch.Rows;
        long set = 0;
        for (int row = 0; row < Batch.Rows; row++)
        {
            var (_, mask) = SegmentationPostprocessing.Mask(maskLogits.Slice(row * h * w, h * w), h, w, size, size, threshold);
            SegmentationPostprocessing.Score(classLogits.Slice(row * classes, classes));
            foreach (byte m in mask) set += m;
        }
        return set;
    }

    public void Dispose()
    {
        foreach (var input in _inputs) input.Dispose();
        _session.Dispose();
        _options.Dispose();
        _run.Dispose();
    }
}
