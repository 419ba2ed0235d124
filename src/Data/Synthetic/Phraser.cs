namespace MagNet.ML;

/// <summary>
/// Chooses the surface words of an expression: a paraphrase among the common forms, or — with the split's rare
/// probability, where one exists — the rare synonym. Remembers whether a rare word was written.
/// </summary>
internal sealed class Phraser(SyntheticRandom rng, double rareProbability)
{
    /// <summary>True once any rare synonym has been written since <see cref="Reset"/>.</summary>
    public bool UsedRare { get; private set; }

    public void Reset() => UsedRare = false;

    public string Pick(IReadOnlyList<string> options) => options[rng.NextInt(options.Count)];

    public string Colour(SyntheticColour colour) =>
        TakeRare() ? SyntheticWords.RareColour(colour) : Pick(SyntheticWords.CommonColour(colour));

    public string Size(SyntheticSize size) =>
        TakeRare() ? SyntheticWords.RareSize(size) : Pick(SyntheticWords.CommonSize(size));

    public string ShapeNoun(SyntheticShape shape, bool plural)
    {
        string? rare = SyntheticWords.RareShapeNoun(shape, plural);
        return rare is not null && TakeRare() ? rare : SyntheticWords.ShapeNoun(shape, plural);
    }

    public string Relation(SpatialRelation relation) =>
        TakeRare() ? Pick(SyntheticWords.RareRelation(relation)) : Pick(SyntheticWords.CommonRelation(relation));

    public string Superlative(SpatialRelation side) =>
        TakeRare() ? SyntheticWords.RareSuperlative(side) : Pick(SyntheticWords.CommonSuperlative(side));

    public string Side(SpatialRelation side) => TakeRare() ? SyntheticWords.RareSide(side) : SyntheticWords.CommonSide(side);

    /// <summary>
    /// A noun phrase without determiner: adjectives (size, colour) then the shape noun, or a generic noun
    /// ("object", "shape", "thing", and "one" when an adjective precedes and <paramref name="allowOne"/>).
    /// </summary>
    public string NounPhrase(ObjectDescription d, bool allowOne = true)
    {
        var words = new List<string>(3);
        words.AddRange(Adjectives(d));
        if (d.Shape is { } shape) words.Add(ShapeNoun(shape, plural: false));
        else words.Add(GenericNoun(plural: false, allowOne && words.Count > 0));
        return string.Join(' ', words);
    }

    /// <summary>The plural of <see cref="NounPhrase"/> ("red circles", "small ones", "objects").</summary>
    public string PluralNounPhrase(ObjectDescription d)
    {
        var words = new List<string>(3);
        words.AddRange(Adjectives(d));
        if (d.Shape is { } shape) words.Add(ShapeNoun(shape, plural: true));
        else words.Add(GenericNoun(plural: true, allowOne: words.Count > 0));
        return string.Join(' ', words);
    }

    /// <summary>A generic noun: object/shape/thing (plural objects/shapes/things), or one/ones when allowed.</summary>
    public string GenericNoun(bool plural, bool allowOne)
    {
        var nouns = plural ? SyntheticWords.GenericPluralNouns : SyntheticWords.GenericNouns;
        int n = rng.NextInt(nouns.Length + (allowOne ? 1 : 0));
        return n < nouns.Length ? nouns[n] : plural ? "ones" : "one";
    }

    private IEnumerable<string> Adjectives(ObjectDescription d)
    {
        if (d.Size is { } size) yield return Size(size);
        if (d.Colour is { } colour) yield return Colour(colour);
    }

    private bool TakeRare()
    {
        if (rareProbability <= 0 || !rng.Chance(rareProbability)) return false;
        UsedRare = true;
        return true;
    }
}
