using Microsoft.ML;

namespace MagNet.ML.Internal;

/// <summary>
/// Describes columns computed from some input columns of each row, and creates the per-cursor
/// <see cref="RowBatchWorker"/> that computes them. <see cref="MappedDataView"/> appends the columns lazily.
/// </summary>
/// <remarks>
/// A mapper with <see cref="BatchSize"/> &gt; 1 is handed up to that many consecutive rows at once
/// (<see cref="RowBatchWorker.ReadRow"/> for each, then one <see cref="RowBatchWorker.ComputeBatch"/>), which lets a
/// model run one forward pass per batch. The rows are read from a second input cursor that runs ahead of the
/// cursor the user moves; both must see the same rows in the same order (checked through the row ids).
/// </remarks>
internal interface IRowBatchMapper
{
    /// <summary>The appended columns, in order.</summary>
    IReadOnlyList<AppendedColumn> OutputColumns { get; }

    /// <summary>Names of the input columns the outputs are computed from.</summary>
    IReadOnlyList<string> InputColumnNames { get; }

    /// <summary>Rows computed together; 1 for a per-row computation.</summary>
    int BatchSize { get; }

    /// <summary>Creates the worker for one cursor; it reads its inputs through getters of <paramref name="input"/>.</summary>
    RowBatchWorker CreateWorker(DataViewRow input);
}
