using MagNet.ML.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML;

/// <summary>
/// Base of the MagNet.ML transformers: <see cref="Transform"/> returns a lazy view of the input with computed columns
/// appended (nothing is computed until a cursor reads an appended column).
/// </summary>
/// <remarks>
/// These transformers are not row-to-row mappers (<see cref="IsRowToRowMapper"/> is false), so
/// <c>PredictionEngine</c> cannot use them: call <see cref="Transform"/> and read rows with
/// <c>mlContext.Data.CreateEnumerable</c> or a cursor. ML.NET cannot store a third-party transformer in its model zip,
/// so saving throws <see cref="NotSupportedException"/>; see each transformer for the alternative.
/// </remarks>
public abstract class ColumnAppendingTransformer : ITransformer
{
    private protected ColumnAppendingTransformer()
    {
    }

    /// <summary>Always false: these transformers expose no <see cref="IRowToRowMapper"/>.</summary>
    public bool IsRowToRowMapper => false;

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

    /// <summary>Not supported: throws <see cref="InvalidOperationException"/> (<see cref="IsRowToRowMapper"/> is false).</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        throw new InvalidOperationException($"{GetType().Name} is not a row-to-row mapper; use Transform and read the resulting data view.");

    /// <summary>Not supported: ML.NET's model zip cannot hold third-party transformers. Throws <see cref="NotSupportedException"/>.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException(
            $"{GetType().Name} cannot be saved in an ML.NET model file (ML.NET keeps its save API internal). {SaveAlternative}");

    /// <summary>What to do instead of saving, for the <see cref="NotSupportedException"/> message.</summary>
    private protected abstract string SaveAlternative { get; }

    /// <summary>Checks <paramref name="inputSchema"/> and creates the mapper that computes the appended columns.</summary>
    private protected abstract IRowBatchMapper CreateMapper(DataViewSchema inputSchema);
}
