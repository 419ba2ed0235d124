using static TorchSharp.torch;

namespace MagNet.ML.Tests.Head;

/// <summary>Disposes every tensor of a name → tensor dictionary (fixture files loaded whole).</summary>
internal sealed class DisposableTensors(Dictionary<string, Tensor> value) : IDisposable
{
    public Dictionary<string, Tensor> Value { get; } = value;

    public void Dispose()
    {
        foreach (var t in Value.Values) t.Dispose();
    }
}

internal static class DisposableTensorsExtensions
{
    public static DisposableTensors AsDisposable(this Dictionary<string, Tensor> tensors) => new(tensors);
}
