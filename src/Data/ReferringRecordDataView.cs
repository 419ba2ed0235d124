using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace MagNet.ML;

/// <summary>
/// An <see cref="IDataView"/> over <see cref="ReferringRecord"/>s. Text columns come straight from the records;
/// the <c>Image</c> and <c>Mask</c> columns are decoded only when a cursor asks for them, one row at a time, and
/// the cursor disposes the previous row's images when it moves on.
/// </summary>
internal sealed class ReferringRecordDataView : IDataView
{
    private enum Kind { Id, ImagePath, Image, Expression, Mask, Split, Extra }

    private readonly IReadOnlyList<ReferringRecord> _records;
    private readonly (Kind Kind, string? Key)[] _columns;
    private readonly int _imageColumn;

    public ReferringRecordDataView(IReadOnlyList<ReferringRecord> records, IReadOnlyList<string> extraKeys)
    {
        _records = records;
        int withMask = records.Count(r => r.LoadMask is not null);
        if (withMask > 0 && withMask < records.Count)
        {
            var unlabelled = records.First(r => r.LoadMask is null);
            throw new ArgumentException(
                $"{withMask} of {records.Count} rows have a mask but row '{unlabelled.Id}' has none; a data view has a " +
                "Mask column for every row or for none. Label every row, or read labelled and unlabelled rows separately.",
                nameof(records));
        }

        var builder = new DataViewSchema.Builder();
        var columns = new List<(Kind, string?)>();
        void Add(string name, DataViewType type, Kind kind, string? key = null)
        {
            builder.AddColumn(name, type);
            columns.Add((kind, key));
        }
        Add(ReferringColumnNames.Id, TextDataViewType.Instance, Kind.Id);
        Add(ReferringColumnNames.ImagePath, TextDataViewType.Instance, Kind.ImagePath);
        Add(ReferringColumnNames.Image, new ImageDataViewType(), Kind.Image);
        Add(ReferringColumnNames.Expression, TextDataViewType.Instance, Kind.Expression);
        if (withMask > 0) Add(ReferringColumnNames.Mask, new ImageDataViewType(), Kind.Mask);
        Add(ReferringColumnNames.Split, TextDataViewType.Instance, Kind.Split);

        var names = new HashSet<string>(StringComparer.Ordinal)
        {
            ReferringColumnNames.Id, ReferringColumnNames.ImagePath, ReferringColumnNames.Image,
            ReferringColumnNames.Expression, ReferringColumnNames.Mask, ReferringColumnNames.Split,
        };
        foreach (string key in extraKeys)
        {
            string name = ReferringDatasets.ExtraColumnName(key);
            if (!names.Add(name))
                throw new ArgumentException($"Extra field '{key}' would make a second column named '{name}'.", nameof(extraKeys));
            Add(name, TextDataViewType.Instance, Kind.Extra, key);
        }
        Schema = builder.ToSchema();
        _columns = columns.ToArray();
        _imageColumn = Array.FindIndex(_columns, c => c.Kind == Kind.Image);
    }

    public bool CanShuffle => true;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _records.Count;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var active = new bool[_columns.Length];
        foreach (var column in columnsNeeded)
        {
            CheckOwnColumn(column);
            active[column.Index] = true;
        }
        var order = Enumerable.Range(0, _records.Count).ToArray();
        if (rand is not null)
        {
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = rand.Next(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }
        return new Cursor(this, active, order);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };

    private void CheckOwnColumn(DataViewSchema.Column column)
    {
        if (column.Index < 0 || column.Index >= _columns.Length || Schema[column.Index].Name != column.Name)
            throw new ArgumentException($"Column '{column.Name}' (index {column.Index}) is not a column of this data view.", nameof(column));
    }

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly ReferringRecordDataView _parent;
        private readonly bool[] _active;
        private readonly int[] _order;
        private long _position = -1;
        private MLImage? _image;
        private MLImage? _mask;
        private bool _disposed;

        public Cursor(ReferringRecordDataView parent, bool[] active, int[] order)
        {
            _parent = parent;
            _active = active;
            _order = order;
        }

        public override DataViewSchema Schema => _parent.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column)
        {
            _parent.CheckOwnColumn(column);
            return _active[column.Index];
        }

        public override bool MoveNext()
        {
            if (_disposed) return false;
            ReleaseImages();
            if (_position + 1 >= _order.Length)
            {
                _position = _order.Length;
                return false;
            }
            _position++;
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) =>
        {
            value = new DataViewRowId((ulong)_order[CurrentIndex()], 0);
        };

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column))
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when this cursor was made.");
            var (kind, key) = _parent._columns[column.Index];
            Delegate getter = kind switch
            {
                Kind.Image => (ValueGetter<MLImage>)((ref MLImage value) => value = CurrentImage()),
                Kind.Mask => (ValueGetter<MLImage>)((ref MLImage value) => value = CurrentMask()),
                _ => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = Text(kind, key).AsMemory()),
            };
            return getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
                $"Column '{column.Name}' holds {column.Type}; it cannot be read as {typeof(TValue).Name}.");
        }

        private int CurrentIndex()
        {
            if (_position < 0 || _position >= _order.Length)
                throw new InvalidOperationException("The cursor is not on a row: call MoveNext first and stop when it returns false.");
            return (int)_position;
        }

        private ReferringRecord Current => _parent._records[_order[CurrentIndex()]];

        private string Text(Kind kind, string? key)
        {
            var record = Current;
            return kind switch
            {
                Kind.Id => record.Id,
                Kind.ImagePath => record.ImagePath ?? "",
                Kind.Expression => record.Expression,
                Kind.Split => record.Split,
                _ => record.Extras.TryGetValue(key!, out var text) ? text : "",
            };
        }

        private MLImage CurrentImage()
        {
            var record = Current;
            if (_image is null)
            {
                _image = record.LoadImage();
                _image.Tag = record.ImagePath ?? record.Id;
            }
            return _image;
        }

        private MLImage CurrentMask()
        {
            if (_mask is not null) return _mask;
            var record = Current;
            var mask = record.LoadMask!();
            if (_image is not null || _active[_parent._imageColumn])
            {
                var image = CurrentImage();
                if (image.Width != mask.Width || image.Height != mask.Height)
                    throw new InvalidDataException(
                        $"Row '{record.Id}': the mask is {mask.Width}×{mask.Height} but the image '{record.ImagePath}' is {image.Width}×{image.Height}.");
            }
            _mask = mask.ToMLImage();
            _mask.Tag = record.Id;
            return _mask;
        }

        private void ReleaseImages()
        {
            _image?.Dispose();
            _image = null;
            _mask?.Dispose();
            _mask = null;
        }

        protected override void Dispose(bool disposing)
        {
            if (_disposed) return;
            if (disposing) ReleaseImages();
            _disposed = true;
            base.Dispose(disposing);
        }
    }
}
