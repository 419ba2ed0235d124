namespace MagNet.ML.Onnx;

/// <summary>One graph input or output of an ONNX model: its name, element type and dimensions.</summary>
/// <param name="Name">The value name.</param>
/// <param name="ElementType">ONNX <c>TensorProto.DataType</c> code (1 float, 7 int64, ...); 0 when not a tensor.</param>
/// <param name="Dimensions">Each dimension's size, or null where it is symbolic or unknown.</param>
/// <param name="SymbolicDimensions">Each dimension's symbolic name, or null where it has a size.</param>
internal sealed record OnnxTensorSignature(string Name, int ElementType, IReadOnlyList<long?> Dimensions, IReadOnlyList<string?> SymbolicDimensions)
{
    /// <summary>ONNX element type code of float32.</summary>
    public const int Float = 1;

    /// <summary>ONNX element type code of int64.</summary>
    public const int Int64 = 7;

    /// <summary>The shape as text, e.g. <c>[N, 3, 480, 480]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Dimensions.Select((d, i) => d?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? SymbolicDimensions[i] ?? "?")) + "]";

    /// <summary>The element type as text.</summary>
    public string ElementTypeText => ElementType switch
    {
        Float => "float32",
        Int64 => "int64",
        6 => "int32",
        9 => "bool",
        10 => "float16",
        11 => "float64",
        _ => $"type {ElementType}",
    };
}
