using System.Collections;

namespace MagNet.ML;

/// <summary>
/// The records a reader produced, plus the rows it skipped (only when an option allowed skipping bad rows;
/// otherwise a bad row is an exception and <see cref="SkippedRows"/> stays empty).
/// </summary>
public sealed class ReferringRecordList : IReadOnlyList<ReferringRecord>
{
    private readonly IReadOnlyList<ReferringRecord> _records;

    /// <summary>Wraps records and the rows skipped while reading them.</summary>
    public ReferringRecordList(IReadOnlyList<ReferringRecord> records, IReadOnlyList<SkippedRow>? skippedRows = null)
    {
        _records = records ?? throw new ArgumentNullException(nameof(records));
        SkippedRows = skippedRows ?? Array.Empty<SkippedRow>();
    }

    /// <summary>Rows left out, in file order, each with its reason.</summary>
    public IReadOnlyList<SkippedRow> SkippedRows { get; }

    /// <inheritdoc/>
    public ReferringRecord this[int index] => _records[index];

    /// <inheritdoc/>
    public int Count => _records.Count;

    /// <inheritdoc/>
    public IEnumerator<ReferringRecord> GetEnumerator() => _records.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
