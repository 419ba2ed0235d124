using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Onnx;

/// <summary>An empty data view with a given schema (what an estimator's Fit needs to check the schema).</summary>
internal sealed class SchemaOnlyDataView(DataViewSchema schema) : IDataView
{
    /// <inheritdoc />
    public bool CanShuffle => false;

    /// <inheritdoc />
    public DataViewSchema Schema { get; } = schema;

    /// <inheritdoc />
    public long? GetRowCount() => 0;

    /// <inheritdoc />
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new EmptyCursor(Schema);

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new EmptyCursor(Schema)];

    private sealed class EmptyCursor(DataViewSchema schema) : DataViewRowCursor
    {
        public override DataViewSchema Schema { get; } = schema;

        public override long Position => -1;

        public override long Batch => 0;

        public override bool MoveNext() => false;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
            throw new InvalidOperationException("An empty data view has no values.");

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = default;

        public override bool IsColumnActive(DataViewSchema.Column column) => false;
    }
}
