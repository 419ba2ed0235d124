using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// Captures named intermediate tensors of a forward pass (for parity checks against reference tensors and for
/// debugging). Modules call <see cref="Record"/> with the reference names (<c>img.stage1.Y</c>, <c>pixdec.out0</c>, ...);
/// it does nothing unless a recorder is active on the current thread.
/// </summary>
public sealed class TensorRecorder : IDisposable
{
    [ThreadStatic] private static TensorRecorder? current;
    private readonly TensorRecorder? previous;
    private readonly Dictionary<string, Tensor> tensors = new();

    private TensorRecorder()
    {
        previous = current;
        current = this;
    }

    /// <summary>Starts recording on this thread until the returned recorder is disposed.</summary>
    public static TensorRecorder Begin() => new();

    /// <summary>True while a recorder is active on this thread.</summary>
    public static bool IsActive => current is not null;

    /// <summary>Stores a detached copy of <paramref name="tensor"/> under <paramref name="name"/> if recording.</summary>
    public static void Record(string name, Tensor tensor)
    {
        var recorder = current;
        if (recorder is null) return;
        var copy = tensor.detach().clone();
        copy.DetachFromDisposeScope();
        if (recorder.tensors.Remove(name, out var old)) old.Dispose();
        recorder.tensors[name] = copy;
    }

    /// <summary>The recorded tensors by name (owned by the recorder; disposed with it).</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors => tensors;

    /// <summary>Stops recording and frees the recorded tensors.</summary>
    public void Dispose()
    {
        if (ReferenceEquals(current, this)) current = previous;
        foreach (var t in tensors.Values) t.Dispose();
        tensors.Clear();
    }
}
