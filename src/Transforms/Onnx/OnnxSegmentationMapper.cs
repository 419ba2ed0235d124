using MagNet.ML.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Onnx;

/// <summary>
/// Computes the ONNX segmentation columns for batches of rows: reads and preprocesses each row into its slot,
/// packs the batch (padding a short last batch by repeating its last row), scores it once, then post-processes each
/// slot at its original size.
/// </summary>
internal sealed class OnnxSegmentationMapper : IRowBatchMapper
{
    private readonly ReferringSegmentationOnnxTransformer _parent;
    private readonly bool _pixelInput;

    public OnnxSegmentationMapper(ReferringSegmentationOnnxTransformer parent, bool pixelInput)
    {
        _parent = parent;
        _pixelInput = pixelInput;
        var columns = new List<AppendedColumn>
        {
            new(parent.PredictedMaskColumnName, new VectorDataViewType(NumberDataViewType.Byte)),
            new(parent.ProbabilityColumnName, new VectorDataViewType(NumberDataViewType.Single)),
        };
        if (parent.HasScore) columns.Add(new AppendedColumn(parent.ScoreColumnName, NumberDataViewType.Single));
        OutputColumns = columns;
        InputColumnNames = [parent.ImageColumnName, parent.ExpressionColumnName];
    }

    public IReadOnlyList<AppendedColumn> OutputColumns { get; }

    public IReadOnlyList<string> InputColumnNames { get; }

    public int BatchSize => _parent.BatchSize;

    public RowBatchWorker CreateWorker(DataViewRow input) => new Worker(_parent, input, _pixelInput);

    private sealed class Worker : RowBatchWorker
    {
        private readonly ReferringSegmentationOnnxTransformer _parent;
        private readonly OnnxSegmentationContract _contract;
        private readonly DataViewRow _input;
        private readonly ValueGetter<MLImage>? _image;
        private readonly ValueGetter<VBuffer<float>>? _pixels;
        private readonly ValueGetter<ReadOnlyMemory<char>> _text;
        private readonly OnnxBatchScorer _scorer;
        private readonly int[] _width, _height;
        private readonly byte[][] _masks;
        private readonly float[][] _probabilities;
        private readonly float[] _scores;
        private VBuffer<float> _pixelBuffer;
        private ReadOnlyMemory<char> _expression;
        private bool _returned;

        public Worker(ReferringSegmentationOnnxTransformer parent, DataViewRow input, bool pixelInput)
        {
            _parent = parent;
            _contract = parent.Contract;
            _input = input;
            var imageColumn = input.Schema[parent.ImageColumnName];
            if (pixelInput) _pixels = input.GetGetter<VBuffer<float>>(imageColumn);
            else _image = input.GetGetter<MLImage>(imageColumn);
            _text = input.GetGetter<ReadOnlyMemory<char>>(input.Schema[parent.ExpressionColumnName]);
            _scorer = parent.RentScorer();
            int batch = _contract.BatchSize;
            _width = new int[batch];
            _height = new int[batch];
            _masks = new byte[batch][];
            _probabilities = new float[batch][];
            _scores = new float[batch];
        }

        public override void ReadRow(int slot)
        {
            var images = _scorer.Input.Images.Slice(slot * _contract.ImageLength, _contract.ImageLength);
            if (_pixels is not null)
            {
                _pixels(ref _pixelBuffer);
                if (_pixelBuffer.Length != images.Length)
                    throw new InvalidDataException($"Row {_input.Position}: column '{_parent.ImageColumnName}' holds {_pixelBuffer.Length} values; {images.Length} were expected.");
                _pixelBuffer.CopyTo(images);
                _width[slot] = _height[slot] = _contract.ImageSize;
            }
            else
            {
                MLImage? image = null;
                _image!(ref image!);
                if (image is null) throw new InvalidDataException($"Row {_input.Position}: column '{_parent.ImageColumnName}' holds no image.");
                _parent.Tensorizer.Tensorize(image, images);
                _width[slot] = image.Width;
                _height[slot] = image.Height;
            }
            _text(ref _expression);
            _parent.Tokenizer.Encode(_expression.Span,
                _scorer.Input.Ids.Slice(slot * _contract.MaxTokens, _contract.MaxTokens),
                _scorer.Input.Masks.Slice(slot * _contract.MaxTokens, _contract.MaxTokens));
        }

        public override void ComputeBatch(int count)
        {
            var input = _scorer.Input;
            for (int slot = count; slot < _contract.BatchSize; slot++)
            {
                input.Images.Slice((count - 1) * _contract.ImageLength, _contract.ImageLength).CopyTo(input.Images.Slice(slot * _contract.ImageLength));
                input.Ids.Slice((count - 1) * _contract.MaxTokens, _contract.MaxTokens).CopyTo(input.Ids.Slice(slot * _contract.MaxTokens));
                input.Masks.Slice((count - 1) * _contract.MaxTokens, _contract.MaxTokens).CopyTo(input.Masks.Slice(slot * _contract.MaxTokens));
            }
            _scorer.Run();
            for (int slot = 0; slot < count; slot++)
            {
                int length = _scorer.MaskHeight * _scorer.MaskWidth;
                var logits = _scorer.MaskLogits.Slice(slot * length, length);
                (_probabilities[slot], _masks[slot]) = SegmentationPostprocessing.Mask(logits, _scorer.MaskHeight, _scorer.MaskWidth,
                    _height[slot], _width[slot], _parent.MaskThreshold);
                if (_contract.ClassLogitsOutput is not null)
                    _scores[slot] = SegmentationPostprocessing.Score(_scorer.ClassLogits.Slice(slot * _scorer.ClassLogitCount, _scorer.ClassLogitCount));
            }
        }

        public override ValueGetter<T> GetGetter<T>(int outputIndex, Func<int> currentSlot)
        {
            Delegate getter = outputIndex switch
            {
                0 => (ValueGetter<VBuffer<byte>>)((ref VBuffer<byte> value) => VBufferCopy.FromSpan<byte>(_masks[currentSlot()], ref value)),
                1 => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) => VBufferCopy.FromSpan<float>(_probabilities[currentSlot()], ref value)),
                _ => (ValueGetter<float>)((ref float value) => value = _scores[currentSlot()]),
            };
            return (ValueGetter<T>)getter;
        }

        public override void Dispose()
        {
            if (!_returned)
            {
                _returned = true;
                _parent.ReturnScorer(_scorer);
            }
            base.Dispose();
        }
    }
}
