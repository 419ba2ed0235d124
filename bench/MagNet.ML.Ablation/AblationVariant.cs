namespace MagNet.ML.Ablation;

/// <summary>One row of the paper's ablation: which of Mask Grounding, CAM and CAL are on.</summary>
internal sealed record AblationVariant(string Name, bool MaskGrounding, bool Cam, bool Alignment)
{
    /// <summary>Baseline (none), each component alone, and the full model — the paper's ablation rows.</summary>
    public static readonly IReadOnlyList<AblationVariant> All =
    [
        new("baseline", false, false, false),
        new("+MG", true, false, false),
        new("+CAM", false, true, false),
        new("+CAL", false, false, true),
        new("full", true, true, true),
    ];

    public static AblationVariant Parse(string name) =>
        All.FirstOrDefault(v => string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown variant '{name}'; known: {string.Join(", ", All.Select(v => v.Name))}.");
}
