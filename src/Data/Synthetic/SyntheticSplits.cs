namespace MagNet.ML;

/// <summary>
/// The splits of the synthetic set and what sets them apart. <c>train</c>, <c>val</c> and <c>test</c> share one
/// distribution. <c>test-compositional</c> is the only split whose scenes contain the <see cref="HeldOutColourShapes"/>
/// and whose expressions use the <see cref="HeldOutRelationShapes"/>; each of its rows involves at least one of them.
/// <c>test-rare</c> is the only split whose expressions use the <see cref="RareWords"/>; each of its rows has one.
/// </summary>
public static class SyntheticSplits
{
    /// <summary>Training split.</summary>
    public const string Train = "train";
    /// <summary>Validation split (same distribution as training).</summary>
    public const string Val = "val";
    /// <summary>Test split (same distribution as training).</summary>
    public const string Test = "test";
    /// <summary>Held-out compositions (CLEVR-CoGenT style).</summary>
    public const string TestCompositional = "test-compositional";
    /// <summary>Rare synonyms and clauses never seen in the other splits.</summary>
    public const string TestRare = "test-rare";
    /// <summary>Every split, as accepted by <see cref="SyntheticReferringDataset.Options.Split"/>.</summary>
    public const string All = "all";

    /// <summary>The five split names, in the order <see cref="All"/> generates them.</summary>
    public static IReadOnlyList<string> Names { get; } = [Train, Val, Test, TestCompositional, TestRare];

    /// <summary>
    /// (colour, shape) pairs that no scene outside <c>test-compositional</c> contains and no expression outside it names:
    /// red triangle, blue star, green hexagon, yellow circle, purple square, cyan diamond.
    /// </summary>
    public static IReadOnlyList<(SyntheticColour Colour, SyntheticShape Shape)> HeldOutColourShapes { get; } =
    [
        (SyntheticColour.Red, SyntheticShape.Triangle),
        (SyntheticColour.Blue, SyntheticShape.Star),
        (SyntheticColour.Green, SyntheticShape.Hexagon),
        (SyntheticColour.Yellow, SyntheticShape.Circle),
        (SyntheticColour.Purple, SyntheticShape.Square),
        (SyntheticColour.Cyan, SyntheticShape.Diamond),
    ];

    /// <summary>
    /// (relation, shape) pairings held out of every split but <c>test-compositional</c>: a relation clause whose subject
    /// noun is that shape ("the circle left of ..."). Relations are <c>left</c>, <c>right</c>, <c>above</c>, <c>below</c>;
    /// held out are circle–left, triangle–right, diamond–above and hexagon–below.
    /// </summary>
    public static IReadOnlyList<(string Relation, SyntheticShape Shape)> HeldOutRelationShapes { get; } =
    [
        ("left", SyntheticShape.Circle),
        ("right", SyntheticShape.Triangle),
        ("above", SyntheticShape.Diamond),
        ("below", SyntheticShape.Hexagon),
    ];

    /// <summary>
    /// Words that appear only in <c>test-rare</c>: synonyms of colours (crimson, emerald, azure, golden, violet, turquoise,
    /// ashen, chestnut), sizes (tiny, huge), shapes (disc, rhombus), relations (to the west/east/north/south of, beneath)
    /// and ordinals (westernmost ..., from the west ...). Listed as single lower-case words.
    /// </summary>
    public static IReadOnlyList<string> RareWords => SyntheticWords.RareTokens;

    internal static bool IsHeldOut(SyntheticColour colour, SyntheticShape shape) =>
        HeldOutColourShapes.Contains((colour, shape));

    internal static bool IsHeldOut(SpatialRelation relation, SyntheticShape shape) =>
        HeldOutRelationShapes.Contains((relation.ToString().ToLowerInvariant(), shape));

    /// <summary>A fixed number per split, so that each split draws its scenes from its own stream.</summary>
    internal static ulong StreamOf(string split) => split switch
    {
        Train => 1,
        Val => 2,
        Test => 3,
        TestCompositional => 4,
        TestRare => 5,
        _ => throw new ArgumentException($"Unknown synthetic split '{split}'; expected one of {string.Join(", ", Names)} or {All}.", nameof(split)),
    };

    /// <summary>Expands "all" or a comma-separated list of split names; throws <see cref="ArgumentException"/> on an unknown name.</summary>
    internal static IReadOnlyList<string> Expand(string split, string parameterName)
    {
        if (string.IsNullOrWhiteSpace(split))
            throw new ArgumentException($"No split given; expected one of {string.Join(", ", Names)} or {All}.", parameterName);
        var result = new List<string>();
        foreach (string part in split.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string name = part.ToLowerInvariant();
            var names = name == All ? Names : [name];
            foreach (string n in names)
            {
                if (!Names.Contains(n))
                    throw new ArgumentException($"Unknown synthetic split '{n}'; expected one of {string.Join(", ", Names)} or {All}.", parameterName);
                if (!result.Contains(n)) result.Add(n);
            }
        }
        if (result.Count == 0)
            throw new ArgumentException($"No split given; expected one of {string.Join(", ", Names)} or {All}.", parameterName);
        return result;
    }
}
