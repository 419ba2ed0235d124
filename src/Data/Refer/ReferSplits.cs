namespace MagNet.ML;

/// <summary>Split selection with the rules of REFER's <c>getRefIds</c> and gRefCOCO's <c>G_REFER.getRefIds</c>.</summary>
internal static class ReferSplits
{
    private static readonly string[] ReferNames = { "train", "val", "test", "testA", "testB", "testC", "testAB", "testBC", "testAC" };

    /// <summary>
    /// REFER: <c>testA</c>/<c>testB</c>/<c>testC</c> keep refs whose split contains the last letter (so also
    /// <c>testAB</c>, ...); <c>testAB</c>/<c>testBC</c>/<c>testAC</c>, <c>train</c> and <c>val</c> match exactly;
    /// <c>test</c> keeps every split containing "test"; an empty split keeps all refs. Unknown names, and names
    /// that select nothing, throw <see cref="ArgumentException"/> listing the file's splits.
    /// </summary>
    public static IReadOnlyList<ReferRef> SelectRefer(IReadOnlyList<ReferRef> refs, string split, string file)
    {
        Func<string, bool> keep = split switch
        {
            "" => _ => true,
            "testA" or "testB" or "testC" => s => s.Contains(split[^1], StringComparison.Ordinal),
            "testAB" or "testBC" or "testAC" or "train" or "val" => s => s == split,
            "test" => s => s.Contains("test", StringComparison.Ordinal),
            _ => throw new ArgumentException(
                $"Unknown split '{split}' for '{file}'. REFER splits are {string.Join(", ", ReferNames)}; " +
                $"this file has {Available(refs)}.", nameof(split)),
        };
        var selected = refs.Where(r => keep(r.Split)).ToList();
        if (selected.Count == 0)
            throw new ArgumentException(
                $"Split '{split}' selects no ref in '{file}'; this file has {Available(refs)}.", nameof(split));
        return selected;
    }

    /// <summary>gRefCOCO: the split must be one the file uses (exact match), or empty for all refs.</summary>
    public static IReadOnlyList<ReferRef> SelectGRefCoco(IReadOnlyList<ReferRef> refs, string split, string file)
    {
        if (split.Length == 0) return refs;
        var selected = refs.Where(r => r.Split == split).ToList();
        if (selected.Count == 0)
            throw new ArgumentException($"Unknown split '{split}' for '{file}'; this file has {Available(refs)}.", nameof(split));
        return selected;
    }

    private static string Available(IReadOnlyList<ReferRef> refs)
    {
        var names = refs.Select(r => r.Split).Distinct().Order(StringComparer.Ordinal).ToList();
        return names.Count == 0 ? "no refs" : "splits " + string.Join(", ", names);
    }
}
