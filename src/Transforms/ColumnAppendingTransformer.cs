using MagNet.ML.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML;

/// <summary>
/// Base of the MagNet.ML transformers: <see cref="Transform"/> returns a lazy view of the input with computed columns
/// appended (nothing is computed until a cursor reads an appended column).
/// </summary>
/// <remarks>
/// These transformers are row-to-row mappers (<see cref="IsRowToRowMapper"/> is true), so
/// <c>mlContext.Model.CreatePredictionEngine</c> works with them; the mapper computes one row at a time.
/// ML.NET cannot store a third-party transformer in its model zip, so saving throws
/// <see cref="NotSupportedException"/>; see each transformer for the alternative.
/// </remarks>
public abstract class ColumnAppendingTransformer : ITransformer
{
    private protected ColumnAppendingTransformer()
    {
    }

    /// <summary>Always true: <see cref="GetRowToRowMapper"/> returns a mapper that computes one row at a time.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>
    /// The schema <see cref="Transform"/> produces for <paramref name="inputSchema"/>: its columns followed by the
    /// appended ones. Throws <see cref="ArgumentOutOfRangeException"/> naming a missing or mistyped input column.
    /// </summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return MappedDataView.BuildSchema(inputSchema, CreateMapper(inputSchema).OutputColumns);
    }

    /// <summary>
    /// Returns a view of <paramref name="input"/> with the appended columns, computed lazily per row. Throws
    /// <see cref="ArgumentOutOfRangeException"/> naming a missing or mistyped input column.
    /// </summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new MappedDataView(input, CreateMapper(input.Schema));
    }

    /// <summary>
    /// A mapper from rows of <paramref name="inputSchema"/> to rows with the appended columns, computed one row at a
    /// time (what <c>PredictionEngine</c> uses). Throws <see cref="ArgumentOutOfRangeException"/> naming a missing or
    /// mistyped input column.
    /// </summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var mapper = new AppendingRowToRowMapper(inputSchema, CreateMapper(inputSchema));
        OnRowToRowMapperCreated();
        return mapper;
    }

    /// <summary>
    /// Called each time <see cref="GetRowToRowMapper"/> hands out a mapper. A <c>PredictionEngine</c> asks for one
    /// and, by default (<c>PredictionEngineOptions.OwnsTransformer</c>), disposes its transformer when it is
    /// disposed; a transformer holding native resources can count that share here. Does nothing by default.
    /// </summary>
    private protected virtual void OnRowToRowMapperCreated()
    {
    }

    /// <summary>Not supported: ML.NET's model zip cannot hold third-party transformers. Throws <see cref="NotSupportedException"/>.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException(
            $"{GetType().Name} cannot be saved in an ML.NET model file (ML.NET keeps its save API internal). {SaveAlternative}");

    /// <summary>What to do instead of saving, for the <see cref="NotSupportedException"/> message.</summary>
    private protected abstract string SaveAlternative { get; }

    /// <summary>Checks <paramref name="inputSchema"/> and creates the mapper that computes the appended columns.</summary>
    private protected abstract IRowBatchMapper CreateMapper(DataViewSchema inputSchema);
}
