using MagNet.ML.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML;

/// <summary>
/// Appends the model's image tensor (vector of Single, [3, S, S]) and the original width and height (Int32) computed
/// from an image column; see <see cref="ReferringImagePreprocessingEstimator"/> and <see cref="ImageTensorizer"/>.
/// A row without an image throws <see cref="InvalidDataException"/> naming the row and column.
/// </summary>
public sealed class ReferringImagePreprocessingTransformer : ColumnAppendingTransformer
{
    internal ReferringImagePreprocessingTransformer(ImageTensorizer tensorizer, string inputColumnName, string outputColumnName,
        string widthColumnName, string heightColumnName)
    {
        Tensorizer = tensorizer;
        InputColumnName = inputColumnName;
        OutputColumnName = outputColumnName;
        WidthColumnName = widthColumnName;
        HeightColumnName = heightColumnName;
    }

    /// <summary>The preprocessing applied.</summary>
    public ImageTensorizer Tensorizer { get; }

    /// <summary>The image column read.</summary>
    public string InputColumnName { get; }

    /// <summary>The pixel column appended.</summary>
    public string OutputColumnName { get; }

    /// <summary>The original-width column appended.</summary>
    public string WidthColumnName { get; }

    /// <summary>The original-height column appended.</summary>
    public string HeightColumnName { get; }

    private protected override string SaveAlternative =>
        "It holds no trained state: after loading the rest of the pipeline, append mlContext.Transforms.PreprocessReferringImage(...) with the same options.";

    private protected override IRowBatchMapper CreateMapper(DataViewSchema inputSchema)
    {
        InputColumnCheck.Image.Require(inputSchema, InputColumnName, nameof(ReferringImagePreprocessingTransformer));
        return new Mapper(this);
    }

    private sealed class Mapper(ReferringImagePreprocessingTransformer parent) : IRowBatchMapper
    {
        public IReadOnlyList<AppendedColumn> OutputColumns { get; } =
        [
            new(parent.OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, 3, parent.Tensorizer.ImageSize, parent.Tensorizer.ImageSize)),
            new(parent.WidthColumnName, NumberDataViewType.Int32),
            new(parent.HeightColumnName, NumberDataViewType.Int32),
        ];

        public IReadOnlyList<string> InputColumnNames { get; } = [parent.InputColumnName];

        public int BatchSize => 1;

        public RowBatchWorker CreateWorker(DataViewRow input) => new Worker(parent, input);
    }

    private sealed class Worker(ReferringImagePreprocessingTransformer parent, DataViewRow input) : RowBatchWorker
    {
        private readonly ValueGetter<MLImage> _image = input.GetGetter<MLImage>(input.Schema[parent.InputColumnName]);
        private readonly float[] _pixels = new float[parent.Tensorizer.Length];
        private int _width, _height;

        public override void ReadRow(int slot)
        {
            MLImage? image = null;
            _image(ref image!);
            if (image is null)
                throw new InvalidDataException($"Row {input.Position}: column '{parent.InputColumnName}' holds no image.");
            parent.Tensorizer.Tensorize(image, _pixels);
            _width = image.Width;
            _height = image.Height;
        }

        public override void ComputeBatch(int count)
        {
        }

        public override ValueGetter<T> GetGetter<T>(int outputIndex, Func<int> currentSlot)
        {
            Delegate getter = outputIndex switch
            {
                0 => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                {
                    currentSlot();
                    VBufferCopy.FromSpan<float>(_pixels, ref value);
                }),
                1 => (ValueGetter<int>)((ref int value) =>
                {
                    currentSlot();
                    value = _width;
                }),
                _ => (ValueGetter<int>)((ref int value) =>
                {
                    currentSlot();
                    value = _height;
                }),
            };
            return (ValueGetter<T>)getter;
        }
    }
}
