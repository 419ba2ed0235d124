namespace MagNet.ML;

/// <summary>What a split allows and demands of its scenes and expressions (see <see cref="SyntheticSplits"/>).</summary>
/// <param name="HeldOut">Scenes may contain, and expressions may name, the held-out compositions.</param>
/// <param name="RequireHeldOut">Every expression must involve a held-out composition.</param>
/// <param name="RareProbability">Chance that a word with a rare synonym is written with it.</param>
/// <param name="RequireRare">Every expression must contain a rare word.</param>
internal sealed record SplitRules(bool HeldOut, bool RequireHeldOut, double RareProbability, bool RequireRare)
{
    public static SplitRules For(string split) => split switch
    {
        SyntheticSplits.TestCompositional => new SplitRules(true, true, 0, false),
        SyntheticSplits.TestRare => new SplitRules(false, false, 0.35, true),
        _ => new SplitRules(false, false, 0, false),
    };
}
