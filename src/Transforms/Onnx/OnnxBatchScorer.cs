using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Onnx;

/// <summary>
/// Runs the ONNX model on one packed batch at a time through ML.NET's ONNX scoring (a row-to-row mapper of the
/// <c>OnnxTransformer</c> over a <see cref="PackedBatchRow"/>). One scorer per cursor: it owns its buffers; the
/// ONNX Runtime session is shared.
/// </summary>
internal sealed class OnnxBatchScorer : IDisposable
{
    private readonly OnnxSegmentationContract _contract;
    private readonly PackedBatchRow _input;
    private readonly DataViewRow _output;
    private readonly ValueGetter<VBuffer<float>> _maskLogits;
    private readonly ValueGetter<VBuffer<float>>? _classLogits;
    private VBuffer<float> _maskBuffer;
    private VBuffer<float> _classBuffer;

    public OnnxBatchScorer(ITransformer onnx, OnnxSegmentationContract contract)
    {
        _contract = contract;
        _input = new PackedBatchRow(contract);
        var mapper = onnx.GetRowToRowMapper(_input.Schema);
        var outputs = new List<DataViewSchema.Column> { mapper.OutputSchema[contract.MaskLogitsOutput] };
        if (contract.ClassLogitsOutput is not null) outputs.Add(mapper.OutputSchema[contract.ClassLogitsOutput]);
        _output = mapper.GetRow(_input, outputs);
        _maskLogits = _output.GetGetter<VBuffer<float>>(outputs[0]);
        if (contract.ClassLogitsOutput is not null) _classLogits = _output.GetGetter<VBuffer<float>>(outputs[1]);
    }

    /// <summary>The batch's input buffers, filled by the caller before <see cref="Run"/>.</summary>
    public PackedBatchRow Input => _input;

    /// <summary>Height of the mask-logit maps of the last run.</summary>
    public int MaskHeight { get; private set; }

    /// <summary>Width of the mask-logit maps of the last run.</summary>
    public int MaskWidth { get; private set; }

    /// <summary>Class logits per example in the last run (K+1; 0 without class logits).</summary>
    public int ClassLogitCount { get; private set; }

    /// <summary>Mask logits of the last run: B·h·w floats.</summary>
    public ReadOnlySpan<float> MaskLogits => _maskBuffer.GetValues();

    /// <summary>Class logits of the last run: B·(K+1) floats (empty when the model has none).</summary>
    public ReadOnlySpan<float> ClassLogits => _classLogits is null ? [] : _classBuffer.GetValues();

    /// <summary>Runs the model on the current contents of <see cref="Input"/>.</summary>
    public void Run()
    {
        _input.Advance();
        _maskLogits(ref _maskBuffer);
        int perExample = PerExample(_maskBuffer, _contract.MaskLogitsOutput);
        if (_contract.MaskSizeKnown)
        {
            (MaskHeight, MaskWidth) = (_contract.MaskHeight, _contract.MaskWidth);
        }
        else
        {
            // The model leaves h and w symbolic: MagNet's mask logits are square (S/4 × S/4).
            int side = (int)Math.Round(Math.Sqrt(perExample));
            if (side * side != perExample)
                throw new InvalidDataException($"The ONNX model declares no size for '{_contract.MaskLogitsOutput}' and returned {perExample} values per example, which is not a square map.");
            (MaskHeight, MaskWidth) = (side, side);
        }
        if (MaskHeight * MaskWidth != perExample)
            throw new InvalidDataException($"The ONNX model returned {perExample} values per example for '{_contract.MaskLogitsOutput}'; its declared {MaskHeight}x{MaskWidth} map needs {MaskHeight * MaskWidth}.");
        if (_classLogits is not null)
        {
            _classLogits(ref _classBuffer);
            ClassLogitCount = PerExample(_classBuffer, _contract.ClassLogitsOutput!);
            if (ClassLogitCount < 2 || (_contract.ClassLogitCount > 0 && ClassLogitCount != _contract.ClassLogitCount))
                throw new InvalidDataException($"The ONNX model returned {ClassLogitCount} class logits per example for '{_contract.ClassLogitsOutput}'; at least 2 (K classes and no object){(_contract.ClassLogitCount > 0 ? $", {_contract.ClassLogitCount} as declared" : "")} were expected.");
        }
    }

    public void Dispose() => (_output as IDisposable)?.Dispose();

    private int PerExample(in VBuffer<float> buffer, string name)
    {
        if (!buffer.IsDense || buffer.Length == 0 || buffer.Length % _contract.BatchSize != 0)
            throw new InvalidDataException($"The ONNX model returned {buffer.Length} values for '{name}', which do not split into {_contract.BatchSize} examples.");
        return buffer.Length / _contract.BatchSize;
    }
}
