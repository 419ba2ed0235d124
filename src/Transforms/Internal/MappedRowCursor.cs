using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Internal;

/// <summary>
/// Cursor of a <see cref="MappedDataView"/>. Input columns come straight from an input cursor. Output columns are
/// computed on first request for the current position and cached: per row when the mapper's batch size is 1 (one
/// input cursor), or per batch through a second, look-ahead input cursor that reads only the mapper's inputs.
/// </summary>
internal sealed class MappedRowCursor : DataViewRowCursor
{
    private readonly MappedDataView _view;
    private readonly DataViewRowCursor _input;
    private readonly DataViewRowCursor? _lookAhead;
    private readonly RowBatchWorker? _worker;
    private readonly bool[] _activeOutputs;
    private readonly int _inputCount;
    private readonly int _batchSize;
    private readonly Func<int> _currentSlot;

    // Per-row mode: the position whose outputs are in slot 0.
    private long _computedPosition = -1;

    // Batch mode: positions [_batchStart, _batchStart + _batchCount) are in slots 0.._batchCount-1.
    private long _batchStart = -1;
    private int _batchCount;
    private readonly DataViewRowId[] _slotIds;
    private readonly ValueGetter<DataViewRowId>? _inputIdGetter;
    private readonly ValueGetter<DataViewRowId>? _lookAheadIdGetter;
    private long _verifiedPosition = -1;

    public MappedRowCursor(MappedDataView view, IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand)
    {
        _view = view;
        var input = view.Input;
        _inputCount = input.Schema.Count;
        _activeOutputs = new bool[view.Mapper.OutputColumns.Count];
        var passThrough = new List<DataViewSchema.Column>();
        foreach (var column in columnsNeeded ?? [])
        {
            if (column.Index < _inputCount) passThrough.Add(input.Schema[column.Index]);
            else if (column.Index < _inputCount + _activeOutputs.Length) _activeOutputs[column.Index - _inputCount] = true;
            else throw new ArgumentOutOfRangeException(nameof(columnsNeeded), $"Column '{column.Name}' (index {column.Index}) is not in this data view.");
        }

        _batchSize = Math.Max(1, view.Mapper.BatchSize);
        _currentSlot = CurrentSlot;
        _slotIds = [];
        if (!_activeOutputs.Any(a => a))
        {
            _input = input.GetRowCursor(passThrough, rand);
            return;
        }

        var dependencies = view.DependencyIndices.Select(i => input.Schema[i]).ToArray();
        if (_batchSize == 1)
        {
            _input = input.GetRowCursor(passThrough.Concat(dependencies).DistinctBy(c => c.Index), rand);
            _worker = view.Mapper.CreateWorker(_input);
            return;
        }

        // Two cursors over the same rows: shuffled ones get equal seeds so they take the same order.
        int? seed = rand?.Next();
        _input = input.GetRowCursor(passThrough, seed is int s1 ? new Random(s1) : null);
        _lookAhead = input.GetRowCursor(dependencies, seed is int s2 ? new Random(s2) : null);
        _worker = view.Mapper.CreateWorker(_lookAhead);
        _slotIds = new DataViewRowId[_batchSize];
        _inputIdGetter = _input.GetIdGetter();
        _lookAheadIdGetter = _lookAhead.GetIdGetter();
    }

    /// <inheritdoc />
    public override DataViewSchema Schema => _view.Schema;

    /// <inheritdoc />
    public override long Position => _input.Position;

    /// <inheritdoc />
    public override long Batch => _input.Batch;

    /// <inheritdoc />
    public override bool MoveNext() => _input.MoveNext();

    /// <inheritdoc />
    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

    /// <inheritdoc />
    public override bool IsColumnActive(DataViewSchema.Column column)
    {
        CheckColumn(column);
        return column.Index < _inputCount
            ? _input.IsColumnActive(_input.Schema[column.Index])
            : _activeOutputs[column.Index - _inputCount];
    }

    /// <inheritdoc />
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        CheckColumn(column);
        if (column.Index < _inputCount) return _input.GetGetter<TValue>(_input.Schema[column.Index]);
        int output = column.Index - _inputCount;
        if (!_activeOutputs[output] || _worker is null)
            throw new InvalidOperationException($"Column '{column.Name}' was not requested when this cursor was created.");
        var type = _view.Mapper.OutputColumns[output].Type;
        if (type.RawType != typeof(TValue))
            throw new InvalidOperationException(
                $"Column '{column.Name}' holds {type} values ({type.RawType.Name}); a getter of {typeof(TValue).Name} was asked for.");
        return _worker.GetGetter<TValue>(output, _currentSlot);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _worker?.Dispose();
            _lookAhead?.Dispose();
            _input.Dispose();
        }
        base.Dispose(disposing);
    }

    private void CheckColumn(DataViewSchema.Column column)
    {
        if (column.Index < 0 || column.Index >= Schema.Count || Schema[column.Index].Name != column.Name)
            throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' (index {column.Index}) is not in this cursor's schema.");
    }

    private int CurrentSlot()
    {
        long position = _input.Position;
        if (position < 0) throw new InvalidOperationException("The cursor is not on a row: call MoveNext first.");
        if (_lookAhead is null)
        {
            if (_computedPosition != position)
            {
                _computedPosition = -1;
                _worker!.ReadRow(0);
                _worker.ComputeBatch(1);
                _computedPosition = position;
            }
            return 0;
        }

        if (position < _batchStart || position >= _batchStart + _batchCount) FillBatch(position);
        int slot = (int)(position - _batchStart);
        if (_verifiedPosition != position)
        {
            DataViewRowId id = default;
            _inputIdGetter!(ref id);
            if (!id.Equals(_slotIds[slot]))
                throw new InvalidOperationException(
                    "The input data view returned rows in a different order to two cursors, so batched computation cannot be used on it; use a batch size of 1.");
            _verifiedPosition = position;
        }
        return slot;
    }

    private void FillBatch(long position)
    {
        var lookAhead = _lookAhead!;
        _batchStart = -1;
        _batchCount = 0;
        while (lookAhead.Position < position)
        {
            if (!lookAhead.MoveNext())
                throw new InvalidOperationException("The input data view returned fewer rows to a second cursor; batched computation cannot be used on it.");
        }
        int count = 0;
        while (true)
        {
            _worker!.ReadRow(count);
            _lookAheadIdGetter!(ref _slotIds[count]);
            count++;
            if (count == _batchSize || !lookAhead.MoveNext()) break;
        }
        _worker.ComputeBatch(count);
        _batchStart = position;
        _batchCount = count;
    }
}
