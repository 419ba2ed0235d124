using System.Text;

namespace MagNet.ML;

/// <summary>What happened when a state dict was loaded into a model: matched, missing, unexpected and mis-shaped keys.</summary>
public sealed class WeightLoadReport
{
    internal WeightLoadReport(int loaded, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected,
        IReadOnlyList<(string Name, long[] Expected, long[] Found)> misShaped)
    {
        Loaded = loaded; Missing = missing; Unexpected = unexpected; MisShaped = misShaped;
    }

    /// <summary>Number of model entries that received a tensor.</summary>
    public int Loaded { get; }

    /// <summary>Model entries with no tensor in the file.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>File entries the model does not have.</summary>
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>Entries present in both whose shapes differ.</summary>
    public IReadOnlyList<(string Name, long[] Expected, long[] Found)> MisShaped { get; }

    /// <summary>True when every model entry was loaded and the file had nothing else.</summary>
    public bool IsExact => Missing.Count == 0 && Unexpected.Count == 0 && MisShaped.Count == 0;

    /// <summary>A readable summary listing up to <paramref name="maxPerKind"/> names of each kind.</summary>
    public string ToString(int maxPerKind)
    {
        var sb = new StringBuilder();
        sb.Append($"loaded {Loaded}, missing {Missing.Count}, unexpected {Unexpected.Count}, mis-shaped {MisShaped.Count}");
        Append(sb, "missing", Missing, maxPerKind);
        Append(sb, "unexpected", Unexpected, maxPerKind);
        Append(sb, "mis-shaped", MisShaped.Select(m => $"{m.Name} (model {Shape(m.Expected)}, file {Shape(m.Found)})").ToList(), maxPerKind);
        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => ToString(10);

    private static string Shape(long[] s) => "[" + string.Join(",", s) + "]";

    private static void Append(StringBuilder sb, string kind, IReadOnlyList<string> names, int max)
    {
        if (names.Count == 0) return;
        sb.Append($"; {kind}: ").Append(string.Join(", ", names.Take(max)));
        if (names.Count > max) sb.Append($", ... ({names.Count - max} more)");
    }
}
