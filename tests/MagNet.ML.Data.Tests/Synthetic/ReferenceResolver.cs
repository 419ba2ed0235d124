namespace MagNet.ML.Tests.Synthetic;

/// <summary>What the resolver made of one expression.</summary>
internal sealed class Resolution
{
    /// <summary>Objects (draw orders) the expression refers to.</summary>
    public SortedSet<int> Matches { get; } = [];
    /// <summary>The grammatical family found: attribute, ordinal, one-hop, two-hop, same-attribute, multi-target.</summary>
    public string Structure { get; set; } = "";
    /// <summary>Relation clauses crossed (same-attribute counts one).</summary>
    public int Hops { get; set; }
    /// <summary>A number the expression states ("the three circles", "both"), if any.</summary>
    public int? StatedCount { get; set; }
    /// <summary>Anything that makes the reading unsafe: a non-unique anchor, a candidate inside the margin, ...</summary>
    public List<string> Problems { get; } = [];
    /// <summary>(colour, shape) of every noun phrase that names both.</summary>
    public List<(string Colour, string Shape)> NamedPairs { get; } = [];
    /// <summary>(relation, shape) of every relation clause whose subject noun is a shape.</summary>
    public List<(string Relation, string Shape)> RelationPairs { get; } = [];
}

/// <summary>
/// An interpreter written for the tests, independent of the generator: its own word lists (the documented vocabulary),
/// its own recursive-descent reading of the expression, and its own evaluation over the scene JSON with the
/// documented rules (relations compare centres with the scene margin; a candidate inside the margin is a problem;
/// ordinals need neighbours more than the margin apart). It never calls the generator's code.
/// </summary>
internal static class ReferenceResolver
{
    private static readonly Dictionary<string, string> Colours = new()
    {
        ["red"] = "red", ["green"] = "green", ["blue"] = "blue", ["yellow"] = "yellow", ["purple"] = "purple",
        ["cyan"] = "cyan", ["gray"] = "gray", ["grey"] = "gray", ["brown"] = "brown",
        ["crimson"] = "red", ["emerald"] = "green", ["azure"] = "blue", ["golden"] = "yellow", ["violet"] = "purple",
        ["turquoise"] = "cyan", ["ashen"] = "gray", ["chestnut"] = "brown",
    };

    private static readonly Dictionary<string, string> Sizes = new()
    {
        ["small"] = "small", ["little"] = "small", ["tiny"] = "small",
        ["large"] = "large", ["big"] = "large", ["huge"] = "large",
    };

    private static readonly Dictionary<string, (string Shape, bool Plural)> ShapeNouns = new()
    {
        ["circle"] = ("circle", false), ["circles"] = ("circle", true), ["disc"] = ("circle", false), ["discs"] = ("circle", true),
        ["square"] = ("square", false), ["squares"] = ("square", true),
        ["triangle"] = ("triangle", false), ["triangles"] = ("triangle", true),
        ["diamond"] = ("diamond", false), ["diamonds"] = ("diamond", true),
        ["rhombus"] = ("diamond", false), ["rhombuses"] = ("diamond", true),
        ["star"] = ("star", false), ["stars"] = ("star", true),
        ["hexagon"] = ("hexagon", false), ["hexagons"] = ("hexagon", true),
    };

    private static readonly Dictionary<string, bool> GenericNouns = new()
    {
        ["object"] = false, ["shape"] = false, ["thing"] = false, ["one"] = false,
        ["objects"] = true, ["shapes"] = true, ["things"] = true, ["ones"] = true,
    };

    private static readonly (string[] Words, string Relation)[] RelationPhrases = new (string Phrase, string Relation)[]
    {
        ("to the left of", "left"), ("on the left side of", "left"), ("left of", "left"), ("to the west of", "left"),
        ("to the right of", "right"), ("on the right side of", "right"), ("right of", "right"), ("to the east of", "right"),
        ("above", "above"), ("over", "above"), ("higher than", "above"), ("to the north of", "above"),
        ("below", "below"), ("under", "below"), ("lower than", "below"), ("beneath", "below"), ("to the south of", "below"),
    }.Select(p => (p.Phrase.Split(' '), p.Relation)).OrderByDescending(p => p.Item1.Length).ToArray();

    private static readonly Dictionary<string, string> Superlatives = new()
    {
        ["leftmost"] = "left", ["rightmost"] = "right", ["topmost"] = "top", ["highest"] = "top",
        ["bottommost"] = "bottom", ["lowest"] = "bottom",
        ["westernmost"] = "left", ["easternmost"] = "right", ["northernmost"] = "top", ["southernmost"] = "bottom",
    };

    private static readonly Dictionary<string, string> Sides = new()
    {
        ["left"] = "left", ["right"] = "right", ["top"] = "top", ["bottom"] = "bottom",
        ["west"] = "left", ["east"] = "right", ["north"] = "top", ["south"] = "bottom",
    };

    private static readonly (string[] Words, string Side)[] FarSides =
    [
        (["on", "the", "far", "left"], "left"), (["on", "the", "far", "right"], "right"),
        (["at", "the", "very", "top"], "top"), (["at", "the", "very", "bottom"], "bottom"),
    ];

    private static readonly Dictionary<string, int> Ordinals = new() { ["first"] = 1, ["second"] = 2, ["third"] = 3 };

    private static readonly Dictionary<string, int> Numbers = new()
    {
        ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7, ["eight"] = 8, ["nine"] = 9,
    };

    /// <summary>The rare words as the specification lists them.</summary>
    public static readonly string[] RareWords =
    [
        "crimson", "emerald", "azure", "golden", "violet", "turquoise", "ashen", "chestnut", "tiny", "huge",
        "disc", "discs", "rhombus", "rhombuses", "west", "east", "north", "south", "beneath",
        "westernmost", "easternmost", "northernmost", "southernmost",
    ];

    private sealed record Np(string? Size, string? Colour, string? Shape, bool Plural)
    {
        public bool Matches(FactObject o) =>
            (Size is null || Size == o.Size) && (Colour is null || Colour == o.Colour) && (Shape is null || Shape == o.Shape);
    }

    /// <summary>Reads <paramref name="text"/> and evaluates it over <paramref name="scene"/>; throws <see cref="FormatException"/> when it cannot read it.</summary>
    public static Resolution Resolve(string text, SceneFacts scene)
    {
        var reader = new Reader(text.Split(' '));
        var result = new Resolution();
        if (reader.Contains("same")) SameAttribute(reader, scene, result);
        else if (reader.Contains("either") || reader.ContainsSequence("that", "are")) EitherOr(reader, scene, result);
        else if (LooksPlural(reader)) Plural(reader, scene, result);
        else if (LooksOrdinal(reader)) Ordinal(reader, scene, result);
        else if (FindRelation(reader.Tokens, 0, out _)) RelationChain(reader, scene, result);
        else Attribute(reader, scene, result);
        if (!reader.AtEnd) throw new FormatException($"Unread words at {reader.Position} in '{text}'.");
        return result;
    }

    private static void Attribute(Reader r, SceneFacts scene, Resolution result)
    {
        bool only = false;
        if (r.Accept("the")) only = r.Accept("only");
        var np = NounPhrase(r, result);
        r.Accept("in", "the", "picture");
        result.Structure = "attribute";
        foreach (var o in scene.Objects.Where(np.Matches)) result.Matches.Add(o.Order);
        if (only && result.Matches.Count != 1) result.Problems.Add($"'the only' matches {result.Matches.Count} objects");
    }

    private static void RelationChain(Reader r, SceneFacts scene, Resolution result)
    {
        r.Accept("the");
        var nps = new List<Np> { NounPhrase(r, result) };
        var relations = new List<string>();
        while (!r.AtEnd)
        {
            if (!r.Accept("that", "is")) r.Accept("which", "is");
            if (!FindRelation(r.Tokens, r.Position, out var relation) || relation.Start != r.Position)
                throw new FormatException($"Expected a relation at word {r.Position}.");
            r.Position += relation.Length;
            r.Expect("the");
            relations.Add(relation.Name);
            if (nps[^1].Shape is { } subjectShape) result.RelationPairs.Add((relation.Name, subjectShape));
            nps.Add(NounPhrase(r, result));
        }
        result.Structure = relations.Count == 1 ? "one-hop" : relations.Count == 2 ? "two-hop" : $"{relations.Count}-hop";
        result.Hops = relations.Count;
        // Right-branching: the last noun phrase is the anchor; each relation picks the one before it.
        var anchor = Unique(scene.Objects.Where(nps[^1].Matches).ToList(), "anchor", result);
        for (int i = relations.Count - 1; i >= 0 && anchor is not null; i--)
        {
            var picked = Relate(scene, scene.Objects.Where(o => o.Order != anchor.Order && nps[i].Matches(o)), anchor, relations[i], result);
            if (i == 0) foreach (var o in picked) result.Matches.Add(o.Order);
            else anchor = Unique(picked, $"object {i} of the chain", result);
        }
    }

    private static void SameAttribute(Reader r, SceneFacts scene, Resolution result)
    {
        r.Expect("the");
        var subject = NounPhrase(r, result);
        if (!(r.Accept("with", "the", "same") || r.Accept("that", "has", "the", "same") || r.Accept("that", "is", "the", "same") || r.Accept("of", "the", "same")))
            throw new FormatException($"Expected a same-attribute link at word {r.Position}.");
        string attribute = r.Next() switch
        {
            "colour" or "color" => "colour",
            "shape" => "shape",
            "size" => "size",
            var other => throw new FormatException($"Unknown attribute '{other}'."),
        };
        r.Expect("as");
        r.Expect("the");
        var anchorPhrase = NounPhrase(r, result);
        result.Structure = "same-attribute";
        result.Hops = 1;
        var anchor = Unique(scene.Objects.Where(anchorPhrase.Matches).ToList(), "anchor", result);
        if (anchor is null) return;
        string Value(FactObject o) => attribute == "colour" ? o.Colour : attribute == "shape" ? o.Shape : o.Size;
        foreach (var o in scene.Objects.Where(o => o.Order != anchor.Order && subject.Matches(o) && Value(o) == Value(anchor)))
            result.Matches.Add(o.Order);
    }

    private static void EitherOr(Reader r, SceneFacts scene, Resolution result)
    {
        if (!r.Accept("the")) r.Accept("all");
        if (!GenericNouns.TryGetValue(r.Next(), out bool plural) || !plural) throw new FormatException("Expected a plural generic noun.");
        r.Expect("that");
        r.Expect("are");
        r.Accept("either");
        var first = Adjective(r.Next());
        r.Expect("or");
        var second = Adjective(r.Next());
        result.Structure = "multi-target";
        foreach (var o in scene.Objects.Where(o => first(o) || second(o))) result.Matches.Add(o.Order);
    }

    private static void Plural(Reader r, SceneFacts scene, Resolution result)
    {
        if (r.Accept("both")) result.StatedCount = 2;
        else
        {
            if (r.Accept("all")) r.Accept("the");
            else r.Accept("the");
            if (!r.AtEnd && Numbers.TryGetValue(r.Peek(), out int n)) { result.StatedCount = n; r.Position++; }
        }
        var np = NounPhrase(r, result);
        if (!np.Plural) throw new FormatException("Expected a plural noun phrase.");
        result.Structure = "multi-target";
        foreach (var o in scene.Objects.Where(np.Matches)) result.Matches.Add(o.Order);
        if (result.StatedCount is { } stated && stated != result.Matches.Count)
            result.Problems.Add($"states {stated} objects but {result.Matches.Count} match");
    }

    private static void Ordinal(Reader r, SceneFacts scene, Resolution result)
    {
        r.Expect("the");
        string? side = null;
        int rank = 1;
        if (Superlatives.TryGetValue(r.Peek(), out var superlative)) { side = superlative; r.Position++; }
        else if (Ordinals.TryGetValue(r.Peek(), out int before)) { rank = before; r.Position++; }
        string? shape = OrdinalNoun(r.Next());
        if (side is null)
        {
            foreach (var (words, far) in FarSides)
                if (r.Accept(words)) { side = far; break; }
        }
        if (side is null)
        {
            if (r.Accept("that", "is")) rank = Ordinals.TryGetValue(r.Next(), out int after) ? after : throw new FormatException("Expected an ordinal.");
            r.Expect("from");
            r.Expect("the");
            side = Sides.TryGetValue(r.Next(), out var s) ? s : throw new FormatException("Expected a side.");
        }
        result.Structure = "ordinal";
        var pool = scene.Objects.Where(o => shape is null || o.Shape == shape).ToList();
        Func<FactObject, double> key = side switch
        {
            "left" => o => o.X,
            "right" => o => -o.X,
            "top" => o => o.Y,
            _ => o => -o.Y,
        };
        var sorted = pool.OrderBy(key).ToList();
        if (sorted.Count < rank) { result.Problems.Add($"only {sorted.Count} objects for rank {rank}"); return; }
        var target = sorted[rank - 1];
        if (rank > 1 && key(target) - key(sorted[rank - 2]) <= scene.Margin) result.Problems.Add("previous neighbour within the margin");
        if (rank < sorted.Count && key(sorted[rank]) - key(target) <= scene.Margin) result.Problems.Add("next neighbour within the margin");
        if (sorted.Count < 2) result.Problems.Add("an ordinal over a single object");
        result.Matches.Add(target.Order);
    }

    private static string? OrdinalNoun(string word)
    {
        if (ShapeNouns.TryGetValue(word, out var noun) && !noun.Plural) return noun.Shape;
        if (GenericNouns.TryGetValue(word, out bool plural) && !plural) return null;
        throw new FormatException($"Expected a singular noun, got '{word}'.");
    }

    private static Np NounPhrase(Reader r, Resolution result)
    {
        string? size = null, colour = null;
        if (!r.AtEnd && Sizes.TryGetValue(r.Peek(), out var s)) { size = s; r.Position++; }
        if (!r.AtEnd && Colours.TryGetValue(r.Peek(), out var c)) { colour = c; r.Position++; }
        string word = r.Next();
        Np np;
        if (ShapeNouns.TryGetValue(word, out var shape)) np = new Np(size, colour, shape.Shape, shape.Plural);
        else if (GenericNouns.TryGetValue(word, out bool plural))
        {
            if (word is "one" or "ones" && size is null && colour is null) throw new FormatException("'one' without an adjective.");
            np = new Np(size, colour, null, plural);
        }
        else throw new FormatException($"Expected a noun, got '{word}'.");
        if (np.Colour is not null && np.Shape is not null) result.NamedPairs.Add((np.Colour, np.Shape));
        return np;
    }

    private static Func<FactObject, bool> Adjective(string word)
    {
        if (Sizes.TryGetValue(word, out var size)) return o => o.Size == size;
        if (Colours.TryGetValue(word, out var colour)) return o => o.Colour == colour;
        throw new FormatException($"Expected an adjective, got '{word}'.");
    }

    private static List<FactObject> Relate(SceneFacts scene, IEnumerable<FactObject> candidates, FactObject anchor, string relation, Resolution result)
    {
        var picked = new List<FactObject>();
        foreach (var o in candidates)
        {
            double d = relation switch
            {
                "left" => anchor.X - o.X,
                "right" => o.X - anchor.X,
                "above" => anchor.Y - o.Y,
                _ => o.Y - anchor.Y,
            };
            if (d > scene.Margin) picked.Add(o);
            else if (d > 0) result.Problems.Add($"object {o.Order} is {d} px {relation} of {anchor.Order}, inside the margin");
        }
        return picked;
    }

    private static FactObject? Unique(List<FactObject> objects, string what, Resolution result)
    {
        if (objects.Count == 1) return objects[0];
        result.Problems.Add($"the {what} matches {objects.Count} objects");
        return null;
    }

    private static bool LooksPlural(Reader r)
    {
        string first = r.Tokens[0];
        if (first is "all" or "both") return true;
        int i = first == "the" ? 1 : 0;
        if (i < r.Tokens.Length && Numbers.ContainsKey(r.Tokens[i])) return true;
        while (i < r.Tokens.Length && (Sizes.ContainsKey(r.Tokens[i]) || Colours.ContainsKey(r.Tokens[i]))) i++;
        return i < r.Tokens.Length && (ShapeNouns.TryGetValue(r.Tokens[i], out var n) ? n.Plural : GenericNouns.GetValueOrDefault(r.Tokens[i]));
    }

    private static bool LooksOrdinal(Reader r) =>
        r.Tokens.Any(t => Superlatives.ContainsKey(t) || Ordinals.ContainsKey(t)) || FarSides.Any(f => r.ContainsSequence(f.Words));

    private static bool FindRelation(string[] tokens, int from, out (int Start, int Length, string Name) found)
    {
        for (int i = from; i < tokens.Length; i++)
            foreach (var (words, name) in RelationPhrases)
                if (i + words.Length <= tokens.Length && words.SequenceEqual(tokens.Skip(i).Take(words.Length)))
                {
                    found = (i, words.Length, name);
                    return true;
                }
        found = default;
        return false;
    }

    private sealed class Reader(string[] tokens)
    {
        public string[] Tokens => tokens;
        public int Position { get; set; }
        public bool AtEnd => Position >= tokens.Length;
        public bool Contains(string word) => tokens.Contains(word);
        public bool ContainsSequence(params string[] words) =>
            Enumerable.Range(0, Math.Max(0, tokens.Length - words.Length + 1)).Any(i => words.SequenceEqual(tokens.Skip(i).Take(words.Length)));
        public string Peek() => AtEnd ? "" : tokens[Position];
        public string Next() => AtEnd ? throw new FormatException("Unexpected end of expression.") : tokens[Position++];
        public void Expect(string word)
        {
            if (Peek() != word) throw new FormatException($"Expected '{word}' at word {Position}, got '{Peek()}'.");
            Position++;
        }
        public bool Accept(params string[] words)
        {
            if (Position + words.Length > tokens.Length || !words.SequenceEqual(tokens.Skip(Position).Take(words.Length))) return false;
            Position += words.Length;
            return true;
        }
    }
}
