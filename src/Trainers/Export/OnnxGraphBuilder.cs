using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Export;

/// <summary>
/// Collects an ONNX graph (nodes in topological order, initializers, inputs, outputs) with the protobuf classes of
/// OnnxSharp. Modules emit their own operators through the op helpers (<c>OnnxGraphBuilder.Ops.cs</c>); every value a
/// helper returns is the name of a graph value. Weights are added under their state-dict names
/// (<see cref="AddInitializer"/>); constants computed at export time (shapes, masks, position encodings) get names
/// under <c>const/</c>. Intermediate values are named <c>scope/Op_n</c> after the innermost <see cref="Scope"/>.
/// </summary>
internal sealed partial class OnnxGraphBuilder
{
    /// <summary>Prefix of the initializers that are constants computed at export time rather than model weights.</summary>
    public const string ConstantPrefix = "const/";

    private readonly GraphProto _graph = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly HashSet<string> _weightNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _constantCache = new(StringComparer.Ordinal);
    private readonly Stack<string> _scopes = new();
    private int _counter;

    /// <summary>Creates an empty graph for the given default-domain opset (16 or 17).</summary>
    public OnnxGraphBuilder(int opset)
    {
        if (opset is < 16 or > 17)
            throw new ArgumentOutOfRangeException(nameof(opset), opset, "The exporter writes opset 16 or 17 (GridSample needs 16; ReduceMean/ReduceMin change form at 18).");
        Opset = opset;
    }

    /// <summary>The default-domain opset the operators are written for.</summary>
    public int Opset { get; }

    /// <summary>Names of the initializers that hold model weights (state-dict names).</summary>
    public IReadOnlyCollection<string> WeightNames => _weightNames;

    /// <summary>Number of nodes emitted so far.</summary>
    public int NodeCount => _graph.Node.Count;

    /// <summary>Names intermediate values and nodes after <paramref name="scope"/> until the result is disposed.</summary>
    public IDisposable Scope(string scope)
    {
        _scopes.Push(scope);
        return new ScopeExit(_scopes);
    }

    /// <summary>Declares a graph input; dimensions are <see cref="long"/> sizes or <see cref="string"/> symbolic names.</summary>
    public string AddInput(string name, TensorProto.Types.DataType elementType, params object[] dims)
    {
        Claim(name);
        _graph.Input.Add(ValueInfo(name, elementType, dims));
        return name;
    }

    /// <summary>
    /// Declares <paramref name="value"/> as the graph output <paramref name="outputName"/> (an Identity node renames it
    /// when the names differ).
    /// </summary>
    public void AddOutput(string value, string outputName, TensorProto.Types.DataType elementType, params object[] dims)
    {
        if (value != outputName)
        {
            Claim(outputName);
            var node = new NodeProto { OpType = "Identity", Name = $"output/{outputName}" };
            node.Input.Add(value);
            node.Output.Add(outputName);
            _graph.Node.Add(node);
        }
        _graph.Output.Add(ValueInfo(outputName, elementType, dims));
    }

    /// <summary>
    /// Adds the model weight <paramref name="tensor"/> (float32 or int64; other floating types are converted to float32)
    /// as the initializer <paramref name="name"/>, its state-dict name. Adding the same name again returns it unchanged.
    /// </summary>
    public string AddInitializer(string name, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (_weightNames.Contains(name)) return name;
        Claim(name);
        _weightNames.Add(name);
        _graph.Initializer.Add(ToTensorProto(name, tensor));
        return name;
    }

    /// <summary>Adds an export-time constant (float32 or int64 tensor) as an initializer under <see cref="ConstantPrefix"/>.</summary>
    public string AddConstant(string hint, Tensor tensor)
    {
        string name = UniqueName($"{ConstantPrefix}{hint}");
        Claim(name);
        _graph.Initializer.Add(ToTensorProto(name, tensor));
        return name;
    }

    /// <summary>A float32 constant of the given shape (row-major data).</summary>
    public string ConstantFloats(string hint, float[] data, params long[] dims)
    {
        CheckLength(data.Length, dims);
        var proto = new TensorProto { Name = UniqueName($"{ConstantPrefix}{hint}"), DataType = (int)TensorProto.Types.DataType.Float };
        proto.Dims.AddRange(dims);
        proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(data.AsSpan()));
        Claim(proto.Name);
        _graph.Initializer.Add(proto);
        return proto.Name;
    }

    /// <summary>An int64 constant of the given shape; equal 1-D constants are shared.</summary>
    public string ConstantInt64s(long[] data, params long[] dims)
    {
        CheckLength(data.Length, dims);
        string key = $"i64[{string.Join(',', dims)}]:{string.Join(',', data)}";
        if (_constantCache.TryGetValue(key, out var cached)) return cached;
        var proto = new TensorProto { Name = UniqueName($"{ConstantPrefix}i64"), DataType = (int)TensorProto.Types.DataType.Int64 };
        proto.Dims.AddRange(dims);
        proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(data.AsSpan()));
        Claim(proto.Name);
        _graph.Initializer.Add(proto);
        _constantCache[key] = proto.Name;
        return proto.Name;
    }

    /// <summary>A 1-D int64 constant (e.g. a target shape or axes list).</summary>
    public string Int64s(params long[] values) => ConstantInt64s(values, values.Length);

    /// <summary>A 0-D int64 constant (e.g. a Gather index that drops the axis).</summary>
    public string ScalarInt64(long value) => ConstantInt64s([value]);

    /// <summary>A 0-D float32 constant; equal values are shared.</summary>
    public string Scalar(float value)
    {
        string key = "f32:" + BitConverter.SingleToInt32Bits(value).ToString(CultureInfo.InvariantCulture);
        if (_constantCache.TryGetValue(key, out var cached)) return cached;
        string name = ConstantFloats("scalar", [value]);
        _constantCache[key] = name;
        return name;
    }

    /// <summary>Returns the constant cached under <paramref name="key"/>, creating it with <paramref name="create"/> once.</summary>
    public string CachedConstant(string key, Func<string> create)
    {
        if (_constantCache.TryGetValue(key, out var cached)) return cached;
        string name = create();
        _constantCache[key] = name;
        return name;
    }

    /// <summary>
    /// Emits one node and returns the names of its <paramref name="outputCount"/> outputs. Empty input names stand for
    /// omitted optional inputs.
    /// </summary>
    public string[] NodeOutputs(string opType, IReadOnlyList<string> inputs, int outputCount, params AttributeProto[] attributes)
    {
        foreach (var input in inputs)
            if (input.Length != 0 && !_names.Contains(input))
                throw new InvalidOperationException($"ONNX export: {opType} reads '{input}', which no earlier node, input or initializer defines.");
        string baseName = UniqueName($"{CurrentScope}{opType}");
        var node = new NodeProto { OpType = opType, Name = baseName };
        node.Input.AddRange(inputs);
        var outputs = new string[outputCount];
        for (int i = 0; i < outputCount; i++)
        {
            outputs[i] = outputCount == 1 ? baseName : $"{baseName}:{i}";
            Claim(outputs[i]);
        }
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return outputs;
    }

    /// <summary>Emits a single-output node and returns its output name.</summary>
    public string Node(string opType, IReadOnlyList<string> inputs, params AttributeProto[] attributes) =>
        NodeOutputs(opType, inputs, 1, attributes)[0];

    /// <summary>The finished model (IR version 8, the default domain at <see cref="Opset"/>).</summary>
    public ModelProto ToModel(string graphName, string producerName, string producerVersion, string? docString = null)
    {
        _graph.Name = graphName;
        if (docString is not null) _graph.DocString = docString;
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = producerName,
            ProducerVersion = producerVersion,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model;
    }

    /// <summary>Attribute helpers.</summary>
    public static AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <inheritdoc cref="Attr(string, long)"/>
    public static AttributeProto Attr(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <inheritdoc cref="Attr(string, long)"/>
    public static AttributeProto Attr(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <inheritdoc cref="Attr(string, long)"/>
    public static AttributeProto Attr(string name, long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private string CurrentScope => _scopes.Count == 0 ? "" : _scopes.Peek() + "/";

    private string UniqueName(string stem) => $"{stem}_{_counter++}";

    private void Claim(string name)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("ONNX value names must not be empty.", nameof(name));
        if (!_names.Add(name)) throw new InvalidOperationException($"ONNX export: the value name '{name}' is defined twice.");
    }

    private static void CheckLength(long length, long[] dims)
    {
        long expected = dims.Aggregate(1L, (a, d) => a * d);
        if (expected != length) throw new ArgumentException($"{length} values do not fill the shape [{string.Join(", ", dims)}].");
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType elementType, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d switch
            {
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                long size => new TensorShapeProto.Types.Dimension { DimValue = size },
                int size => new TensorShapeProto.Types.Dimension { DimValue = size },
                _ => throw new ArgumentException($"A dimension must be a size or a symbolic name; got {d}."),
            });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)elementType, Shape = shape } },
        };
    }

    private static TensorProto ToTensorProto(string name, Tensor tensor)
    {
        using var scope = NewDisposeScope();
        var source = tensor.detach().cpu();
        TensorProto.Types.DataType type;
        switch (source.dtype)
        {
            case ScalarType.Int64:
                type = TensorProto.Types.DataType.Int64;
                break;
            case ScalarType.Float32:
                type = TensorProto.Types.DataType.Float;
                break;
            case ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16:
                source = source.to_type(ScalarType.Float32);
                type = TensorProto.Types.DataType.Float;
                break;
            default:
                throw new NotSupportedException($"ONNX export: initializer '{name}' has type {source.dtype}; only floating-point and int64 tensors are written.");
        }
        source = source.contiguous();
        var proto = new TensorProto { Name = name, DataType = (int)type };
        proto.Dims.AddRange(source.shape);
        proto.RawData = ByteString.CopyFrom(source.bytes);
        return proto;
    }

    private sealed class ScopeExit(Stack<string> scopes) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            scopes.Pop();
        }
    }
}
