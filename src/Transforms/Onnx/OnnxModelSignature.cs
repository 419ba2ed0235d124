using System.Text;

namespace MagNet.ML.Onnx;

/// <summary>
/// The graph inputs and outputs of an ONNX model, read straight from the protobuf without loading the weights: the
/// reader walks <c>ModelProto.graph</c> (field 7), keeps <c>GraphProto.input</c> (11) and <c>output</c> (12) and
/// skips everything else, initializers included, so even a 1 GB model is read in milliseconds.
/// </summary>
internal sealed class OnnxModelSignature
{
    private OnnxModelSignature(IReadOnlyList<OnnxTensorSignature> inputs, IReadOnlyList<OnnxTensorSignature> outputs)
    {
        Inputs = inputs;
        Outputs = outputs;
    }

    /// <summary>Graph inputs in declaration order.</summary>
    public IReadOnlyList<OnnxTensorSignature> Inputs { get; }

    /// <summary>Graph outputs in declaration order.</summary>
    public IReadOnlyList<OnnxTensorSignature> Outputs { get; }

    /// <summary>Reads the signature of the model file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not an ONNX model (the message names it).</exception>
    public static OnnxModelSignature Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX model file '{path}' does not exist.", path);
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads the signature from a seekable <paramref name="stream"/>; <paramref name="source"/> names it in errors.</summary>
    public static OnnxModelSignature Read(Stream stream, string source)
    {
        try
        {
            var reader = new ProtoReader(stream, stream.Length);
            List<OnnxTensorSignature>? inputs = null, outputs = null;
            while (reader.Next(out int field, out int wire))
            {
                if (field == 7 && wire == 2)
                {
                    var graph = reader.Nested();
                    inputs = [];
                    outputs = [];
                    while (graph.Next(out int graphField, out int graphWire))
                    {
                        if ((graphField == 11 || graphField == 12) && graphWire == 2)
                            (graphField == 11 ? inputs : outputs).Add(ParseValueInfo(graph.Bytes()));
                        else graph.Skip(graphWire);
                    }
                }
                else reader.Skip(wire);
            }
            if (inputs is null || outputs is null) throw new InvalidDataException("it has no graph");
            return new OnnxModelSignature(inputs, outputs);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or OverflowException)
        {
            throw new InvalidDataException($"'{source}' is not a readable ONNX model: {e.Message}", e);
        }
    }

    private static OnnxTensorSignature ParseValueInfo(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        var reader = new ProtoReader(stream, bytes.Length);
        string name = "";
        int elementType = 0;
        var dims = new List<long?>();
        var symbols = new List<string?>();
        while (reader.Next(out int field, out int wire))
        {
            if (field == 1 && wire == 2) name = Encoding.UTF8.GetString(reader.Bytes());
            else if (field == 2 && wire == 2)
            {
                var type = reader.Nested();
                while (type.Next(out int typeField, out int typeWire))
                {
                    if (typeField != 1 || typeWire != 2) { type.Skip(typeWire); continue; }
                    var tensor = type.Nested();
                    while (tensor.Next(out int tensorField, out int tensorWire))
                    {
                        if (tensorField == 1 && tensorWire == 0) elementType = (int)tensor.Varint();
                        else if (tensorField == 2 && tensorWire == 2)
                        {
                            var shape = tensor.Nested();
                            while (shape.Next(out int shapeField, out int shapeWire))
                            {
                                if (shapeField != 1 || shapeWire != 2) { shape.Skip(shapeWire); continue; }
                                var dim = shape.Nested();
                                long? value = null;
                                string? symbol = null;
                                while (dim.Next(out int dimField, out int dimWire))
                                {
                                    if (dimField == 1 && dimWire == 0) value = (long)dim.Varint();
                                    else if (dimField == 2 && dimWire == 2) symbol = Encoding.UTF8.GetString(dim.Bytes());
                                    else dim.Skip(dimWire);
                                }
                                dims.Add(value);
                                symbols.Add(value is null ? symbol : null);
                            }
                        }
                        else tensor.Skip(tensorWire);
                    }
                }
            }
            else reader.Skip(wire);
        }
        return new OnnxTensorSignature(name, elementType, dims, symbols);
    }

    // A minimal protobuf reader over a region [position, end) of a seekable stream.
    private sealed class ProtoReader(Stream stream, long end)
    {
        public bool Next(out int field, out int wire)
        {
            field = wire = 0;
            if (stream.Position >= end) return false;
            ulong key = Varint();
            field = (int)(key >> 3);
            wire = (int)(key & 7);
            if (field == 0) throw new InvalidDataException($"invalid field number at byte {stream.Position}");
            return true;
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                int b = stream.ReadByte();
                if (b < 0) throw new EndOfStreamException("the file ends inside a number");
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) return value;
            }
            throw new InvalidDataException("a varint is longer than 10 bytes");
        }

        public ProtoReader Nested()
        {
            long length = Length();
            return new ProtoReader(stream, stream.Position + length);
        }

        public byte[] Bytes()
        {
            var bytes = new byte[Length()];
            stream.ReadExactly(bytes);
            return bytes;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: Seek(8); break;
                case 2: Seek(Length()); break;
                case 5: Seek(4); break;
                default: throw new InvalidDataException($"unsupported protobuf wire type {wire} at byte {stream.Position}");
            }
        }

        private long Length()
        {
            ulong length = Varint();
            if (length > (ulong)(end - stream.Position)) throw new InvalidDataException($"a field of {length} bytes runs past its message at byte {stream.Position}");
            return (long)length;
        }

        private void Seek(long count)
        {
            if (stream.Position + count > end) throw new InvalidDataException($"a field runs past its message at byte {stream.Position}");
            stream.Seek(count, SeekOrigin.Current);
        }
    }
}
