using MagNet.ML;

namespace MagNet.Cli;

/// <summary>Reads the rows of a JSONL data file (<c>magnet synth</c>, <c>convert-refer</c> or hand-written) for train and evaluate.</summary>
internal static class ReferringJsonlInput
{
    /// <summary>
    /// The rows of <paramref name="path"/>, all of them or those whose <c>split</c> is <paramref name="split"/>
    /// (when not null). An empty selection, or a row without a mask, is an <see cref="InvalidDataException"/> naming
    /// the file (and the splits it has, or the row).
    /// </summary>
    public static IReadOnlyList<ReferringRecord> ReadLabelled(string path, string? split, string option)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{option}: the data file '{path}' does not exist.", path);
        var all = ReferringDatasets.ReadJsonl(path);
        var rows = split is null ? all.ToList() : all.Where(r => r.Split == split).ToList();
        if (rows.Count == 0)
            throw new InvalidDataException(split is null
                ? $"{option}: '{path}' has no rows."
                : $"{option}: '{path}' has no rows of split '{split}'; its splits are: {Splits(all)}.");
        var unlabelled = rows.FirstOrDefault(r => r.LoadMask is null);
        if (unlabelled is not null)
            throw new InvalidDataException($"{option}: row '{unlabelled.Id}' of '{path}' has no mask; training and evaluation need a mask on every row.");
        return rows;
    }

    /// <summary>The distinct split names of the rows, in order of appearance ("(none)" for rows without one).</summary>
    public static string Splits(IEnumerable<ReferringRecord> rows) =>
        string.Join(", ", rows.Select(r => r.Split.Length == 0 ? "(none)" : r.Split).Distinct());
}
