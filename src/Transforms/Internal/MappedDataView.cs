using Microsoft.ML;

namespace MagNet.ML.Internal;

/// <summary>
/// An <see cref="IDataView"/> that shows every input column unchanged and appends the columns of an
/// <see cref="IRowBatchMapper"/>, computed lazily: only when an output getter is called, once per row
/// (or once per batch of rows), whatever the number of output columns read.
/// </summary>
internal sealed class MappedDataView : IDataView
{
    /// <summary>Wraps <paramref name="input"/>; the mapper's input columns must exist in its schema.</summary>
    public MappedDataView(IDataView input, IRowBatchMapper mapper)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(mapper);
        Input = input;
        Mapper = mapper;
        DependencyIndices = mapper.InputColumnNames
            .Select(name => input.Schema.GetColumnOrNull(name)?.Index
                ?? throw new ArgumentOutOfRangeException(nameof(input), $"Input column '{name}' was not found in the data view."))
            .ToArray();
        Schema = BuildSchema(input.Schema, mapper.OutputColumns);
    }

    /// <summary>The wrapped data view.</summary>
    public IDataView Input { get; }

    /// <summary>The mapper computing the appended columns.</summary>
    public IRowBatchMapper Mapper { get; }

    /// <summary>Indices, in the input schema, of the columns the mapper reads.</summary>
    public IReadOnlyList<int> DependencyIndices { get; }

    /// <inheritdoc />
    public bool CanShuffle => Input.CanShuffle;

    /// <inheritdoc />
    public DataViewSchema Schema { get; }

    /// <inheritdoc />
    public long? GetRowCount() => Input.GetRowCount();

    /// <inheritdoc />
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        => new MappedRowCursor(this, columnsNeeded, rand);

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => [GetRowCursor(columnsNeeded, rand)];

    /// <summary>The input schema followed by the appended columns (which hide input columns of the same name).</summary>
    public static DataViewSchema BuildSchema(DataViewSchema input, IReadOnlyList<AppendedColumn> outputs)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        foreach (var column in outputs) builder.AddColumn(column.Name, column.Type, column.Annotations);
        return builder.ToSchema();
    }
}
