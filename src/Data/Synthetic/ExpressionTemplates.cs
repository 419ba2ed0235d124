namespace MagNet.ML;

/// <summary>
/// Writes referring expressions for one scene, family by family, and checks each against the scene graph before it
/// is returned: a single-target expression matches exactly one object, a multi-target one at least two, a no-target
/// one none. Relations use the scene's margin with a dead band (<see cref="RelationState.Ambiguous"/>): an expression
/// is rejected when any candidate falls in it, and ordinals are used only when the neighbours along the axis are more
/// than the margin apart. Relation and same-attribute clauses are only used where they are needed (the subject's
/// description alone matches two or more objects), and the anchor is always described uniquely on its own.
/// </summary>
internal sealed class ExpressionTemplates
{
    /// <summary>Longest expression in words (the model reads 20 word pieces including [CLS] and [SEP]).</summary>
    public const int MaxWords = 15;

    private const int AttemptsPerExpression = 80;
    private const int RenderAttempts = 12;
    private static readonly double[] SingleTargetWeights = [0.2, 0.2, 0.25, 0.2, 0.15];
    private static readonly SpatialRelation[] Relations = Enum.GetValues<SpatialRelation>();
    private static readonly ObjectAttribute[] ComparableAttributes = Enum.GetValues<ObjectAttribute>();

    private readonly SceneGraph _scene;
    private readonly IReadOnlyList<SceneObject> _objects;
    private readonly SyntheticRandom _rng;
    private readonly SplitRules _rules;
    private readonly Phraser _phraser;

    public ExpressionTemplates(SceneGraph scene, SyntheticRandom rng, SplitRules rules)
    {
        _scene = scene;
        _objects = scene.Objects;
        _rng = rng;
        _rules = rules;
        _phraser = new Phraser(rng, rules.RareProbability);
    }

    /// <summary>An expression of the requested kind whose text is not in <paramref name="taken"/>, or null if none was found.</summary>
    public ReferringExpression? Generate(TargetKind kind, IReadOnlySet<string> taken)
    {
        // The family is drawn once and kept for most attempts, so that families that are harder to satisfy are not
        // crowded out by easy ones; the last attempts try any family.
        int family = _rng.PickWeighted(SingleTargetWeights);
        for (int attempt = 0; attempt < AttemptsPerExpression; attempt++)
        {
            if (attempt >= AttemptsPerExpression / 2) family = _rng.PickWeighted(SingleTargetWeights);
            Draft? draft = kind switch
            {
                TargetKind.Single => family switch
                {
                    0 => TryAttribute(),
                    1 => TryOrdinal(),
                    2 => TryOneHop(),
                    3 => TryTwoHop(),
                    _ => TrySameAttribute(),
                },
                TargetKind.Multiple => _rng.Chance(0.6) ? TryPlural() : TryEitherOr(),
                _ => _rng.Chance(0.5) ? TryMissingAttributes() : TryMissingRelation(),
            };
            if (draft is null || !MeetsSplitRules(draft)) continue;
            string? text = Render(draft);
            if (text is null || taken.Contains(text)) continue;
            return new ReferringExpression(text, draft.Family, draft.Hops, draft.Targets, draft.NamedColourShapes, draft.RelationShapes);
        }
        return null;
    }

    // ---------------------------------------------------------------- single target

    private Draft? TryAttribute()
    {
        int target = _rng.NextInt(_objects.Count);
        if (MinimalUniqueDescription(target, avoid: null) is not { } d) return null;
        return new Draft(ExpressionFamilies.Attribute, 0, [target], [d], [], p => _rng.NextInt(4) switch
        {
            0 => $"the {p.NounPhrase(d)}",
            1 => p.NounPhrase(d, allowOne: false),
            2 => $"the {p.NounPhrase(d)} in the picture",
            _ => $"the only {p.NounPhrase(d)}",
        });
    }

    private Draft? TryOrdinal()
    {
        int target = _rng.NextInt(_objects.Count);
        bool byShape = _rng.Chance(0.6);
        var pool = Enumerable.Range(0, _objects.Count)
            .Where(i => !byShape || _objects[i].Shape == _objects[target].Shape).ToList();
        if (pool.Count < 2) return null;
        var sides = Relations.ToArray();
        _rng.Shuffle(sides);
        foreach (var side in sides)
        {
            var sorted = pool.OrderBy(i => SpatialJudge.OrdinalKey(_objects[i], side)).ThenBy(i => i).ToList();
            int rank = sorted.IndexOf(target);
            if (rank > 2) continue;
            double key = SpatialJudge.OrdinalKey(_objects[target], side);
            if (rank > 0 && key - SpatialJudge.OrdinalKey(_objects[sorted[rank - 1]], side) <= _scene.Margin) continue;
            if (rank < sorted.Count - 1 && SpatialJudge.OrdinalKey(_objects[sorted[rank + 1]], side) - key <= _scene.Margin) continue;
            var shape = byShape ? _objects[target].Shape : (SyntheticShape?)null;
            string Noun(Phraser p) => shape is { } s ? p.ShapeNoun(s, plural: false) : p.GenericNoun(plural: false, allowOne: true);
            string ordinal = SyntheticWords.Ordinals[rank];
            return new Draft(ExpressionFamilies.Ordinal, 0, [target], [], [], p => rank == 0
                ? _rng.NextInt(4) switch
                {
                    0 => $"the {p.Superlative(side)} {Noun(p)}",
                    1 => $"the {Noun(p)} {SyntheticWords.FarSide(side)}",
                    2 => $"the first {Noun(p)} from the {p.Side(side)}",
                    _ => $"the {Noun(p)} that is first from the {p.Side(side)}",
                }
                : _rng.Chance(0.5)
                    ? $"the {ordinal} {Noun(p)} from the {p.Side(side)}"
                    : $"the {Noun(p)} that is {ordinal} from the {p.Side(side)}");
        }
        return null;
    }

    private Draft? TryOneHop()
    {
        int anchor = _rng.NextInt(_objects.Count);
        if (MinimalUniqueDescription(anchor, avoid: null) is not { } anchorDescription) return null;
        var relation = _rng.Pick(Relations);
        var related = Others(anchor).Where(i => Judge(i, anchor, relation) == RelationState.Holds).ToList();
        if (related.Count == 0) return null;
        int target = _rng.Pick(related);
        if (RelationalDescription(target, anchor, relation) is not { } d) return null;
        return new Draft(ExpressionFamilies.OneHop, 1, [target], [d, anchorDescription], RelationShapes((relation, d)),
            p => OneHopText(p, d, relation, anchorDescription));
    }

    private Draft? TryTwoHop()
    {
        int far = _rng.NextInt(_objects.Count);
        if (MinimalUniqueDescription(far, avoid: null) is not { } farDescription) return null;
        var farRelation = _rng.Pick(Relations);
        var middles = Others(far).Where(i => Judge(i, far, farRelation) == RelationState.Holds).ToList();
        if (middles.Count == 0) return null;
        int middle = _rng.Pick(middles);
        if (RelationalDescription(middle, far, farRelation) is not { } middleDescription) return null;
        var nearRelation = _rng.Pick(Relations);
        var targets = Others(middle).Where(i => i != far && Judge(i, middle, nearRelation) == RelationState.Holds).ToList();
        if (targets.Count == 0) return null;
        int target = _rng.Pick(targets);
        if (RelationalDescription(target, middle, nearRelation) is not { } d) return null;
        return new Draft(ExpressionFamilies.TwoHop, 2, [target], [d, middleDescription, farDescription],
            RelationShapes((nearRelation, d), (farRelation, middleDescription)), p =>
            {
                string first = _rng.Pick(["", "that is ", "which is "]);
                string second = _rng.Pick(["that is", "which is"]);
                return $"the {p.NounPhrase(d)} {first}{p.Relation(nearRelation)} the {p.NounPhrase(middleDescription)} " +
                       $"{second} {p.Relation(farRelation)} the {p.NounPhrase(farDescription)}";
            });
    }

    private Draft? TrySameAttribute()
    {
        int anchor = _rng.NextInt(_objects.Count);
        var attribute = _rng.Pick(ComparableAttributes);
        if ((MinimalUniqueDescription(anchor, avoid: attribute) ?? MinimalUniqueDescription(anchor, avoid: null)) is not { } anchorDescription)
            return null;
        bool Same(int i) => AttributeOf(_objects[i], attribute) == AttributeOf(_objects[anchor], attribute);
        var alike = Others(anchor).Where(Same).ToList();
        if (alike.Count == 0) return null;
        int target = _rng.Pick(alike);
        int allowed = 0b111 & ~BitOf(attribute);
        var d = FindDescription(target, allowed, candidate =>
        {
            var matching = Matching(candidate).Where(i => i != anchor).ToList();
            return matching.Count >= 2 && matching.Count(Same) == 1;
        });
        if (d is null) return null;
        var description = d.Value;
        return new Draft(ExpressionFamilies.SameAttribute, 1, [target], [description, anchorDescription], [], p =>
        {
            string noun = p.Pick(SyntheticWords.AttributeNoun(attribute));
            string link = _rng.Pick(["with the same", "that has the same", "that is the same", "of the same"]);
            return $"the {p.NounPhrase(description)} {link} {noun} as the {p.NounPhrase(anchorDescription)}";
        });
    }

    // ---------------------------------------------------------------- several targets / none

    private Draft? TryPlural()
    {
        int seed = _rng.NextInt(_objects.Count);
        var found = FindDescription(seed, 0b111, c => c.Count >= 1 && Matching(c).Count() >= 2);
        if (found is not { } d) return null;
        var targets = Matching(d).ToArray();
        int n = targets.Length;
        return new Draft(ExpressionFamilies.MultiTarget, 0, targets, [d], [], p =>
        {
            string phrase = p.PluralNounPhrase(d);
            return _rng.NextInt(n == 2 ? 6 : 5) switch
            {
                0 => $"the {phrase}",
                1 => $"all {phrase}",
                2 => $"all the {phrase}",
                3 => $"the {SyntheticWords.NumberWords[n]} {phrase}",
                4 => $"all {SyntheticWords.NumberWords[n]} {phrase}",
                _ => $"both {phrase}",
            };
        });
    }

    private Draft? TryEitherOr()
    {
        var adjectives = _objects.SelectMany(o => new[] { new ObjectDescription(o.Size, null, null), new ObjectDescription(null, o.Colour, null) })
            .Distinct().ToList();
        if (adjectives.Count < 2) return null;
        var a = _rng.Pick(adjectives);
        var b = _rng.Pick(adjectives);
        if (a == b || (a.Size.HasValue && b.Size.HasValue)) return null;
        var targets = Enumerable.Range(0, _objects.Count).Where(i => a.Matches(_objects[i]) || b.Matches(_objects[i])).ToArray();
        if (targets.Length < 2 || targets.Length == _objects.Count) return null;
        return new Draft(ExpressionFamilies.MultiTarget, 0, targets, [], [], p =>
        {
            string nouns = p.GenericNoun(plural: true, allowOne: false);
            string first = Adjective(p, a), second = Adjective(p, b);
            return _rng.NextInt(3) switch
            {
                0 => $"the {nouns} that are either {first} or {second}",
                1 => $"all {nouns} that are {first} or {second}",
                _ => $"{nouns} that are either {first} or {second}",
            };
        });
    }

    private Draft? TryMissingAttributes()
    {
        var source = _objects[_rng.NextInt(_objects.Count)];
        int subset = _rng.NextInt(1, 7);
        var d = ObjectDescription.FromSubset(source, subset);
        var named = ComparableAttributes.Where(d.Names).ToArray();
        var changed = _rng.Pick(named) switch
        {
            ObjectAttribute.Size => d with { Size = d.Size == SyntheticSize.Small ? SyntheticSize.Large : SyntheticSize.Small },
            ObjectAttribute.Colour => d with { Colour = (SyntheticColour)(((int)d.Colour!.Value + 1 + _rng.NextInt(7)) % 8) },
            _ => d with { Shape = (SyntheticShape)(((int)d.Shape!.Value + 1 + _rng.NextInt(5)) % 6) },
        };
        if (Matching(changed).Any()) return null;
        return new Draft(ExpressionFamilies.NoTarget, 0, [], [changed], [], p => _rng.Chance(0.5)
            ? $"the {p.NounPhrase(changed)}"
            : $"the {p.NounPhrase(changed)} in the picture");
    }

    private Draft? TryMissingRelation()
    {
        int anchor = _rng.NextInt(_objects.Count);
        if (MinimalUniqueDescription(anchor, avoid: null) is not { } anchorDescription) return null;
        var relation = _rng.Pick(Relations);
        var others = Others(anchor).ToList();
        int source = _rng.Pick(others);
        var d = FindDescription(source, 0b111, candidate =>
        {
            var matching = Matching(candidate).Where(i => i != anchor).ToList();
            return matching.Count >= 1 && matching.All(i => Judge(i, anchor, relation) == RelationState.Fails);
        });
        if (d is not { } description) return null;
        return new Draft(ExpressionFamilies.NoTarget, 1, [], [description, anchorDescription], RelationShapes((relation, description)),
            p => OneHopText(p, description, relation, anchorDescription));
    }

    // ---------------------------------------------------------------- helpers

    private string OneHopText(Phraser p, ObjectDescription subject, SpatialRelation relation, ObjectDescription anchor) =>
        _rng.NextInt(4) switch
        {
            0 => $"the {p.NounPhrase(subject)} {p.Relation(relation)} the {p.NounPhrase(anchor)}",
            1 => $"the {p.NounPhrase(subject)} that is {p.Relation(relation)} the {p.NounPhrase(anchor)}",
            2 => $"the {p.NounPhrase(subject)} which is {p.Relation(relation)} the {p.NounPhrase(anchor)}",
            _ => $"{p.NounPhrase(subject, allowOne: false)} {p.Relation(relation)} the {p.NounPhrase(anchor)}",
        };

    private static string Adjective(Phraser p, ObjectDescription d) => d.Size is { } size ? p.Size(size) : p.Colour(d.Colour!.Value);

    /// <summary>
    /// The smallest set of the object's attributes that no other object shares (ties broken at random), sometimes with
    /// one redundant attribute added; <paramref name="avoid"/> is never used. Null when no such set exists.
    /// </summary>
    private ObjectDescription? MinimalUniqueDescription(int order, ObjectAttribute? avoid)
    {
        int allowed = 0b111 & ~(avoid is { } a ? BitOf(a) : 0);
        for (int count = 1; count <= 3; count++)
        {
            var subsets = Enumerable.Range(1, 7).Where(s => (s & ~allowed) == 0 && BitCount(s) == count).ToArray();
            _rng.Shuffle(subsets);
            foreach (int subset in subsets)
            {
                var d = ObjectDescription.FromSubset(_objects[order], subset);
                if (Matching(d).Count() != 1) continue;
                int spare = allowed & ~subset;
                if (spare != 0 && _rng.Chance(0.2))
                {
                    var extras = Enumerable.Range(0, 3).Select(bit => 1 << bit).Where(bit => (spare & bit) != 0).ToArray();
                    d = ObjectDescription.FromSubset(_objects[order], subset | _rng.Pick(extras));
                }
                return d;
            }
        }
        return null;
    }

    /// <summary>A description of <paramref name="target"/> that, with "<paramref name="relation"/> the anchor", picks it alone.</summary>
    private ObjectDescription? RelationalDescription(int target, int anchor, SpatialRelation relation) =>
        FindDescription(target, 0b111, candidate =>
        {
            var matching = Matching(candidate).Where(i => i != anchor).ToList();
            if (matching.Count < 2) return false; // the relation must be needed
            int holds = 0;
            foreach (int i in matching)
            {
                var state = Judge(i, anchor, relation);
                if (state == RelationState.Ambiguous) return false;
                if (state == RelationState.Holds) holds++;
            }
            return holds == 1 && Judge(target, anchor, relation) == RelationState.Holds;
        });

    /// <summary>Tries the subsets of the object's attributes (within <paramref name="allowed"/>) in random order.</summary>
    private ObjectDescription? FindDescription(int order, int allowed, Func<ObjectDescription, bool> accept)
    {
        var subsets = Enumerable.Range(0, 8).Where(s => (s & ~allowed) == 0).ToArray();
        _rng.Shuffle(subsets);
        foreach (int subset in subsets)
        {
            var d = ObjectDescription.FromSubset(_objects[order], subset);
            if (accept(d)) return d;
        }
        return null;
    }

    private IEnumerable<int> Matching(ObjectDescription d) => Enumerable.Range(0, _objects.Count).Where(i => d.Matches(_objects[i]));

    private IEnumerable<int> Others(int order) => Enumerable.Range(0, _objects.Count).Where(i => i != order);

    private RelationState Judge(int subject, int anchor, SpatialRelation relation) =>
        SpatialJudge.Judge(_objects[subject], _objects[anchor], relation, _scene.Margin);

    private static int AttributeOf(SceneObject o, ObjectAttribute attribute) => attribute switch
    {
        ObjectAttribute.Size => (int)o.Size,
        ObjectAttribute.Colour => (int)o.Colour,
        _ => (int)o.Shape,
    };

    private static int BitOf(ObjectAttribute attribute) => attribute switch
    {
        ObjectAttribute.Size => 1,
        ObjectAttribute.Colour => 2,
        _ => 4,
    };

    private static int BitCount(int x) => System.Numerics.BitOperations.PopCount((uint)x);

    private static (SpatialRelation, SyntheticShape)[] RelationShapes(params (SpatialRelation Relation, ObjectDescription Subject)[] clauses) =>
        clauses.Where(c => c.Subject.Shape.HasValue).Select(c => (c.Relation, c.Subject.Shape!.Value)).ToArray();

    private bool MeetsSplitRules(Draft draft)
    {
        var named = draft.NamedColourShapes;
        bool namesHeldOut = named.Any(p => SyntheticSplits.IsHeldOut(p.Colour, p.Shape));
        bool relatesHeldOut = draft.RelationShapes.Any(p => SyntheticSplits.IsHeldOut(p.Relation, p.Shape));
        if (!_rules.HeldOut) return !namesHeldOut && !relatesHeldOut;
        if (!_rules.RequireHeldOut) return true;
        return namesHeldOut || relatesHeldOut || draft.Targets.Any(i => SyntheticSplits.IsHeldOut(_objects[i].Colour, _objects[i].Shape));
    }

    private string? Render(Draft draft)
    {
        for (int attempt = 0; attempt < RenderAttempts; attempt++)
        {
            _phraser.Reset();
            string text = draft.Render(_phraser);
            if (text.Split(' ').Length > MaxWords) continue;
            if (_rules.RequireRare && !_phraser.UsedRare) continue;
            return text;
        }
        return null;
    }

    /// <summary>A checked expression structure whose words are still to be chosen.</summary>
    private sealed class Draft(
        string family,
        int hops,
        int[] targets,
        ObjectDescription[] descriptions,
        (SpatialRelation, SyntheticShape)[] relationShapes,
        Func<Phraser, string> render)
    {
        public string Family => family;
        public int Hops => hops;
        public int[] Targets => targets;
        public (SyntheticColour Colour, SyntheticShape Shape)[] NamedColourShapes { get; } = descriptions
            .Where(d => d.Colour.HasValue && d.Shape.HasValue).Select(d => (d.Colour!.Value, d.Shape!.Value)).ToArray();
        public (SpatialRelation Relation, SyntheticShape Shape)[] RelationShapes => relationShapes;
        public string Render(Phraser phraser) => render(phraser);
    }
}
