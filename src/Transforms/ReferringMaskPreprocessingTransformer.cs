using MagNet.ML.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML;

/// <summary>
/// Appends the training target (vector of Single, [S, S], 0/1) computed from a mask image column; see
/// <see cref="ReferringMaskPreprocessingEstimator"/> and <see cref="MaskTensorizer"/>. A row without a mask image throws
/// <see cref="InvalidDataException"/> naming the row and column.
/// </summary>
public sealed class ReferringMaskPreprocessingTransformer : ColumnAppendingTransformer
{
    internal ReferringMaskPreprocessingTransformer(MaskTensorizer tensorizer, string inputColumnName, string outputColumnName)
    {
        Tensorizer = tensorizer;
        InputColumnName = inputColumnName;
        OutputColumnName = outputColumnName;
    }

    /// <summary>The preprocessing applied.</summary>
    public MaskTensorizer Tensorizer { get; }

    /// <summary>The mask image column read.</summary>
    public string InputColumnName { get; }

    /// <summary>The mask column appended.</summary>
    public string OutputColumnName { get; }

    private protected override string SaveAlternative =>
        "It holds no trained state: after loading the rest of the pipeline, append mlContext.Transforms.PreprocessReferringMask(...) with the same options.";

    private protected override IRowBatchMapper CreateMapper(DataViewSchema inputSchema)
    {
        InputColumnCheck.Image.Require(inputSchema, InputColumnName, nameof(ReferringMaskPreprocessingTransformer));
        return new Mapper(this);
    }

    private sealed class Mapper(ReferringMaskPreprocessingTransformer parent) : IRowBatchMapper
    {
        public IReadOnlyList<AppendedColumn> OutputColumns { get; } =
        [
            new(parent.OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, parent.Tensorizer.ImageSize, parent.Tensorizer.ImageSize)),
        ];

        public IReadOnlyList<string> InputColumnNames { get; } = [parent.InputColumnName];

        public int BatchSize => 1;

        public RowBatchWorker CreateWorker(DataViewRow input) => new Worker(parent, input);
    }

    private sealed class Worker(ReferringMaskPreprocessingTransformer parent, DataViewRow input) : RowBatchWorker
    {
        private readonly ValueGetter<MLImage> _mask = input.GetGetter<MLImage>(input.Schema[parent.InputColumnName]);
        private readonly float[] _pixels = new float[parent.Tensorizer.Length];

        public override void ReadRow(int slot)
        {
            MLImage? mask = null;
            _mask(ref mask!);
            if (mask is null)
                throw new InvalidDataException($"Row {input.Position}: column '{parent.InputColumnName}' holds no mask image.");
            parent.Tensorizer.Tensorize(mask, _pixels);
        }

        public override void ComputeBatch(int count)
        {
        }

        public override ValueGetter<T> GetGetter<T>(int outputIndex, Func<int> currentSlot)
        {
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
            {
                currentSlot();
                VBufferCopy.FromSpan<float>(_pixels, ref value);
            };
            return (ValueGetter<T>)(Delegate)getter;
        }
    }
}
