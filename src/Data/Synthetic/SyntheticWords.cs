namespace MagNet.ML;

/// <summary>
/// The vocabulary of the synthetic expressions: canonical attribute names, the common paraphrases used in every split
/// and the rare synonyms used only in <c>test-rare</c> (see <see cref="SyntheticSplits.RareWords"/>).
/// </summary>
internal static class SyntheticWords
{
    public static string Name(SyntheticShape shape) => shape.ToString().ToLowerInvariant();

    public static string Name(SyntheticColour colour) => colour.ToString().ToLowerInvariant();

    public static string Name(SyntheticSize size) => size.ToString().ToLowerInvariant();

    public static IReadOnlyList<string> CommonColour(SyntheticColour colour) =>
        colour == SyntheticColour.Gray ? ["gray", "grey"] : [Name(colour)];

    public static string RareColour(SyntheticColour colour) => colour switch
    {
        SyntheticColour.Red => "crimson",
        SyntheticColour.Green => "emerald",
        SyntheticColour.Blue => "azure",
        SyntheticColour.Yellow => "golden",
        SyntheticColour.Purple => "violet",
        SyntheticColour.Cyan => "turquoise",
        SyntheticColour.Gray => "ashen",
        SyntheticColour.Brown => "chestnut",
        _ => throw new ArgumentOutOfRangeException(nameof(colour)),
    };

    public static IReadOnlyList<string> CommonSize(SyntheticSize size) =>
        size == SyntheticSize.Small ? ["small", "little"] : ["large", "big"];

    public static string RareSize(SyntheticSize size) => size == SyntheticSize.Small ? "tiny" : "huge";

    public static string ShapeNoun(SyntheticShape shape, bool plural) => plural ? Name(shape) + "s" : Name(shape);

    /// <summary>A rare noun for the shape, or null when it has none.</summary>
    public static string? RareShapeNoun(SyntheticShape shape, bool plural) => shape switch
    {
        SyntheticShape.Circle => plural ? "discs" : "disc",
        SyntheticShape.Diamond => plural ? "rhombuses" : "rhombus",
        _ => null,
    };

    /// <summary>Nouns for "any object"; "one"/"ones" are only used after an adjective.</summary>
    public static readonly string[] GenericNouns = ["object", "shape", "thing"];

    public static readonly string[] GenericPluralNouns = ["objects", "shapes", "things"];

    public static IReadOnlyList<string> CommonRelation(SpatialRelation relation) => relation switch
    {
        SpatialRelation.Left => ["left of", "to the left of", "on the left side of"],
        SpatialRelation.Right => ["right of", "to the right of", "on the right side of"],
        SpatialRelation.Above => ["above", "over", "higher than"],
        SpatialRelation.Below => ["below", "under", "lower than"],
        _ => throw new ArgumentOutOfRangeException(nameof(relation)),
    };

    public static IReadOnlyList<string> RareRelation(SpatialRelation relation) => relation switch
    {
        SpatialRelation.Left => ["to the west of"],
        SpatialRelation.Right => ["to the east of"],
        SpatialRelation.Above => ["to the north of"],
        SpatialRelation.Below => ["beneath", "to the south of"],
        _ => throw new ArgumentOutOfRangeException(nameof(relation)),
    };

    public static IReadOnlyList<string> CommonSuperlative(SpatialRelation side) => side switch
    {
        SpatialRelation.Left => ["leftmost"],
        SpatialRelation.Right => ["rightmost"],
        SpatialRelation.Above => ["topmost", "highest"],
        SpatialRelation.Below => ["bottommost", "lowest"],
        _ => throw new ArgumentOutOfRangeException(nameof(side)),
    };

    public static string RareSuperlative(SpatialRelation side) => side switch
    {
        SpatialRelation.Left => "westernmost",
        SpatialRelation.Right => "easternmost",
        SpatialRelation.Above => "northernmost",
        SpatialRelation.Below => "southernmost",
        _ => throw new ArgumentOutOfRangeException(nameof(side)),
    };

    /// <summary>Post-nominal superlatives ("the circle on the far left").</summary>
    public static string FarSide(SpatialRelation side) => side switch
    {
        SpatialRelation.Left => "on the far left",
        SpatialRelation.Right => "on the far right",
        SpatialRelation.Above => "at the very top",
        SpatialRelation.Below => "at the very bottom",
        _ => throw new ArgumentOutOfRangeException(nameof(side)),
    };

    public static string CommonSide(SpatialRelation side) => side switch
    {
        SpatialRelation.Left => "left",
        SpatialRelation.Right => "right",
        SpatialRelation.Above => "top",
        SpatialRelation.Below => "bottom",
        _ => throw new ArgumentOutOfRangeException(nameof(side)),
    };

    public static string RareSide(SpatialRelation side) => side switch
    {
        SpatialRelation.Left => "west",
        SpatialRelation.Right => "east",
        SpatialRelation.Above => "north",
        SpatialRelation.Below => "south",
        _ => throw new ArgumentOutOfRangeException(nameof(side)),
    };

    public static readonly string[] Ordinals = ["first", "second", "third"];

    public static readonly string[] NumberWords = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

    public static IReadOnlyList<string> AttributeNoun(ObjectAttribute attribute) => attribute switch
    {
        ObjectAttribute.Colour => ["colour", "color"],
        ObjectAttribute.Shape => ["shape"],
        ObjectAttribute.Size => ["size"],
        _ => throw new ArgumentOutOfRangeException(nameof(attribute)),
    };

    /// <summary>Every single word that only the rare synonyms contain.</summary>
    public static IReadOnlyList<string> RareTokens { get; } = BuildRareTokens();

    private static string[] BuildRareTokens()
    {
        var words = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var c in Enum.GetValues<SyntheticColour>()) words.Add(RareColour(c));
        foreach (var s in Enum.GetValues<SyntheticSize>()) words.Add(RareSize(s));
        foreach (var s in Enum.GetValues<SyntheticShape>())
        {
            if (RareShapeNoun(s, false) is { } one) words.Add(one);
            if (RareShapeNoun(s, true) is { } many) words.Add(many);
        }
        foreach (var r in Enum.GetValues<SpatialRelation>())
        {
            words.Add(RareSuperlative(r));
            words.Add(RareSide(r));
            foreach (var phrase in RareRelation(r))
                foreach (var w in phrase.Split(' '))
                    if (w is not ("to" or "the" or "of")) words.Add(w);
        }
        return words.ToArray();
    }
}
