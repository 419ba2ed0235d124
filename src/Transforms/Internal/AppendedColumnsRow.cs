using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Internal;

/// <summary>
/// One row of an <see cref="AppendingRowToRowMapper"/>: the input row's columns unchanged, followed by the mapper's
/// appended columns, computed on first request for the input row's current position (one row at a time, slot 0 of the
/// worker) and cached until the position changes.
/// </summary>
internal sealed class AppendedColumnsRow : DataViewRow
{
    private readonly DataViewRow _input;
    private readonly DataViewSchema _schema;
    private readonly IRowBatchMapper _mapper;
    private readonly RowBatchWorker? _worker;
    private readonly bool[] _activeOutputs;
    private readonly int _inputCount;
    private readonly Func<int> _currentSlot;
    private long _computedPosition = -1;
    private bool _disposed;

    public AppendedColumnsRow(DataViewRow input, DataViewSchema schema, IRowBatchMapper mapper, bool[] activeOutputs)
    {
        _input = input;
        _schema = schema;
        _mapper = mapper;
        _activeOutputs = activeOutputs;
        _inputCount = input.Schema.Count;
        _currentSlot = CurrentSlot;
        if (activeOutputs.Any(a => a)) _worker = mapper.CreateWorker(input);
    }

    /// <inheritdoc />
    public override DataViewSchema Schema => _schema;

    /// <inheritdoc />
    public override long Position => _input.Position;

    /// <inheritdoc />
    public override long Batch => _input.Batch;

    /// <inheritdoc />
    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

    /// <inheritdoc />
    public override bool IsColumnActive(DataViewSchema.Column column)
    {
        CheckColumn(column);
        return column.Index < _inputCount ? _input.IsColumnActive(_input.Schema[column.Index]) : _activeOutputs[column.Index - _inputCount];
    }

    /// <inheritdoc />
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        CheckColumn(column);
        if (column.Index < _inputCount) return _input.GetGetter<TValue>(_input.Schema[column.Index]);
        int output = column.Index - _inputCount;
        if (!_activeOutputs[output] || _worker is null)
            throw new InvalidOperationException($"Column '{column.Name}' was not requested when this row was created.");
        var type = _mapper.OutputColumns[output].Type;
        if (type.RawType != typeof(TValue))
            throw new InvalidOperationException(
                $"Column '{column.Name}' holds {type} values ({type.RawType.Name}); a getter of {typeof(TValue).Name} was asked for.");
        return _worker.GetGetter<TValue>(output, _currentSlot);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (_disposed) return;
        if (disposing) _worker?.Dispose();
        _disposed = true;
        base.Dispose(disposing);
    }

    private void CheckColumn(DataViewSchema.Column column)
    {
        if (column.Index < 0 || column.Index >= _schema.Count || _schema[column.Index].Name != column.Name)
            throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' (index {column.Index}) is not in this row's schema.");
    }

    private int CurrentSlot()
    {
        long position = _input.Position;
        if (_computedPosition != position || position < 0)
        {
            // A row whose position never changes (position < 0) is recomputed on every request.
            _computedPosition = -1;
            _worker!.ReadRow(0);
            _worker.ComputeBatch(1);
            _computedPosition = position;
        }
        return 0;
    }
}
