using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Internal;

/// <summary>
/// The <see cref="IRowToRowMapper"/> of a <see cref="ColumnAppendingTransformer"/> (what <c>PredictionEngine</c> and
/// <c>TransformerChain.GetRowToRowMapper</c> use): rows of <see cref="OutputSchema"/> show the input columns
/// unchanged followed by the appended ones, computed one row at a time whatever the mapper's batch size.
/// </summary>
internal sealed class AppendingRowToRowMapper : IRowToRowMapper
{
    private readonly IRowBatchMapper _mapper;
    private readonly int[] _dependencyIndices;

    public AppendingRowToRowMapper(DataViewSchema inputSchema, IRowBatchMapper mapper)
    {
        InputSchema = inputSchema;
        _mapper = mapper;
        _dependencyIndices = mapper.InputColumnNames
            .Select(name => inputSchema.GetColumnOrNull(name)?.Index
                ?? throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Input column '{name}' was not found in the schema."))
            .ToArray();
        OutputSchema = MappedDataView.BuildSchema(inputSchema, mapper.OutputColumns);
    }

    /// <inheritdoc />
    public DataViewSchema InputSchema { get; }

    /// <inheritdoc />
    public DataViewSchema OutputSchema { get; }

    /// <summary>
    /// The input columns needed to compute <paramref name="dependingColumns"/> (output columns): the input columns
    /// among them as they are, plus the mapper's inputs when any appended column is asked for.
    /// </summary>
    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        ArgumentNullException.ThrowIfNull(dependingColumns);
        var indices = new SortedSet<int>();
        foreach (var column in dependingColumns)
        {
            if (column.Index < InputSchema.Count) indices.Add(column.Index);
            else if (column.Index < OutputSchema.Count) indices.UnionWith(_dependencyIndices);
            else throw new ArgumentOutOfRangeException(nameof(dependingColumns), $"Column '{column.Name}' (index {column.Index}) is not in the output schema.");
        }
        return indices.Select(i => InputSchema[i]).ToArray();
    }

    /// <summary>
    /// A row over <paramref name="input"/> (a row of <see cref="InputSchema"/>) whose appended columns among
    /// <paramref name="activeColumns"/> are computed on request for the input's current position.
    /// </summary>
    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(activeColumns);
        if (input.Schema.Count != InputSchema.Count)
            throw new ArgumentException($"The input row has {input.Schema.Count} columns; this mapper was made for a schema of {InputSchema.Count}.", nameof(input));
        var active = new bool[_mapper.OutputColumns.Count];
        foreach (var column in activeColumns)
        {
            if (column.Index >= InputSchema.Count && column.Index < OutputSchema.Count) active[column.Index - InputSchema.Count] = true;
        }
        return new AppendedColumnsRow(input, OutputSchema, _mapper, active);
    }
}
