using MagNet.ML.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML;

/// <summary>
/// Appends token ids and an attention mask (vectors of Int64, size <see cref="ExpressionTokenizer.MaxTokens"/>)
/// computed from a text column; see <see cref="ExpressionTokenizingEstimator"/>. A missing text value encodes as an
/// empty expression (<c>[CLS] [SEP]</c>).
/// </summary>
public sealed class ExpressionTokenizingTransformer : ColumnAppendingTransformer
{
    internal ExpressionTokenizingTransformer(ExpressionTokenizer tokenizer, string inputColumnName, string outputColumnName, string attentionMaskColumnName)
    {
        Tokenizer = tokenizer;
        InputColumnName = inputColumnName;
        OutputColumnName = outputColumnName;
        AttentionMaskColumnName = attentionMaskColumnName;
    }

    /// <summary>The tokenizer.</summary>
    public ExpressionTokenizer Tokenizer { get; }

    /// <summary>The text column read.</summary>
    public string InputColumnName { get; }

    /// <summary>The token-id column appended.</summary>
    public string OutputColumnName { get; }

    /// <summary>The attention-mask column appended.</summary>
    public string AttentionMaskColumnName { get; }

    private protected override string SaveAlternative =>
        "It holds no trained state: after loading the rest of the pipeline, append mlContext.Transforms.TokenizeReferringExpression(...) with the same options.";

    private protected override IRowBatchMapper CreateMapper(DataViewSchema inputSchema)
    {
        InputColumnCheck.Text.Require(inputSchema, InputColumnName, nameof(ExpressionTokenizingTransformer));
        return new Mapper(this);
    }

    private sealed class Mapper(ExpressionTokenizingTransformer parent) : IRowBatchMapper
    {
        public IReadOnlyList<AppendedColumn> OutputColumns { get; } =
        [
            new(parent.OutputColumnName, new VectorDataViewType(NumberDataViewType.Int64, parent.Tokenizer.MaxTokens)),
            new(parent.AttentionMaskColumnName, new VectorDataViewType(NumberDataViewType.Int64, parent.Tokenizer.MaxTokens)),
        ];

        public IReadOnlyList<string> InputColumnNames { get; } = [parent.InputColumnName];

        public int BatchSize => 1;

        public RowBatchWorker CreateWorker(DataViewRow input) => new Worker(parent.Tokenizer, input.GetGetter<ReadOnlyMemory<char>>(input.Schema[parent.InputColumnName]));
    }

    private sealed class Worker(ExpressionTokenizer tokenizer, ValueGetter<ReadOnlyMemory<char>> text) : RowBatchWorker
    {
        private readonly long[] _ids = new long[tokenizer.MaxTokens];
        private readonly long[] _mask = new long[tokenizer.MaxTokens];
        private ReadOnlyMemory<char> _text;

        public override void ReadRow(int slot)
        {
            text(ref _text);
            tokenizer.Encode(_text.Span, _ids, _mask);
        }

        public override void ComputeBatch(int count)
        {
        }

        public override ValueGetter<T> GetGetter<T>(int outputIndex, Func<int> currentSlot)
        {
            long[] source = outputIndex == 0 ? _ids : _mask;
            ValueGetter<VBuffer<long>> getter = (ref VBuffer<long> value) =>
            {
                currentSlot();
                VBufferCopy.FromSpan(source, ref value);
            };
            return (ValueGetter<T>)(Delegate)getter;
        }
    }
}
