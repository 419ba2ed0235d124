using System.Runtime.InteropServices;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>Float tensors stored in ONNX files (raw bytes or the <c>float_data</c> field) as TorchSharp tensors.</summary>
internal static class OnnxInitializer
{
    /// <summary>A new CPU float32 tensor with the values and dimensions of <paramref name="proto"/>.</summary>
    public static Tensor ToTensor(TensorProto proto)
    {
        float[] values = proto.RawData.Length > 0
            ? MemoryMarshal.Cast<byte, float>(proto.RawData.Span).ToArray()
            : proto.FloatData.ToArray();
        return torch.tensor(values, proto.Dims.ToArray(), dtype: ScalarType.Float32, device: torch.CPU);
    }
}
