using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Onnx;

/// <summary>
/// One row holding a whole batch for the ONNX model: the images, token ids and attention masks of up to B examples
/// concatenated (vectors of B·3·S·S floats and B·T int64s, named as the model's inputs). <see cref="Advance"/> moves
/// to a new position so that ML.NET's ONNX mapper, which caches by position, runs the model again.
/// </summary>
internal sealed class PackedBatchRow : DataViewRow
{
    private readonly float[] _images;
    private readonly long[] _ids;
    private readonly long[] _masks;
    private long _position = -1;

    public PackedBatchRow(OnnxSegmentationContract contract)
    {
        Schema = CreateSchema(contract);
        _images = new float[contract.BatchSize * contract.ImageLength];
        _ids = new long[contract.BatchSize * contract.MaxTokens];
        _masks = new long[contract.BatchSize * contract.MaxTokens];
    }

    /// <summary>The images of the batch, B·3·S·S floats.</summary>
    public Span<float> Images => _images;

    /// <summary>The token ids of the batch, B·T values.</summary>
    public Span<long> Ids => _ids;

    /// <summary>The attention masks of the batch, B·T values.</summary>
    public Span<long> Masks => _masks;

    /// <inheritdoc />
    public override DataViewSchema Schema { get; }

    /// <inheritdoc />
    public override long Position => _position;

    /// <inheritdoc />
    public override long Batch => 0;

    /// <summary>Marks the arrays as holding a new batch.</summary>
    public void Advance() => _position++;

    /// <summary>The schema of the packed row: the three model inputs as known-size vectors.</summary>
    public static DataViewSchema CreateSchema(OnnxSegmentationContract c)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(c.ImageInput, new VectorDataViewType(NumberDataViewType.Single, c.BatchSize * c.ImageLength));
        builder.AddColumn(c.InputIdsInput, new VectorDataViewType(NumberDataViewType.Int64, c.BatchSize * c.MaxTokens));
        builder.AddColumn(c.AttentionMaskInput, new VectorDataViewType(NumberDataViewType.Int64, c.BatchSize * c.MaxTokens));
        return builder.ToSchema();
    }

    /// <inheritdoc />
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        Delegate getter = column.Index switch
        {
            0 => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) => value = new VBuffer<float>(_images.Length, _images)),
            1 => (ValueGetter<VBuffer<long>>)((ref VBuffer<long> value) => value = new VBuffer<long>(_ids.Length, _ids)),
            2 => (ValueGetter<VBuffer<long>>)((ref VBuffer<long> value) => value = new VBuffer<long>(_masks.Length, _masks)),
            _ => throw new ArgumentOutOfRangeException(nameof(column), $"The packed batch row has no column {column.Index}."),
        };
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Column '{column.Name}' of the packed batch row is read as {column.Type.RawType.Name}, not {typeof(TValue).Name}.");
    }

    /// <inheritdoc />
    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

    /// <inheritdoc />
    public override bool IsColumnActive(DataViewSchema.Column column) => column.Index is >= 0 and < 3;
}
