namespace MagNet.ML.Tests.Synthetic;

/// <summary>Held-out compositions and rare words stay in their own test splits.</summary>
[TestClass]
public sealed class SyntheticSplitTests
{
    // The specification's held-out lists, restated here.
    private static readonly (string Colour, string Shape)[] HeldOutColourShapes =
        [("red", "triangle"), ("blue", "star"), ("green", "hexagon"), ("yellow", "circle"), ("purple", "square"), ("cyan", "diamond")];
    private static readonly (string Relation, string Shape)[] HeldOutRelationShapes =
        [("left", "circle"), ("right", "triangle"), ("above", "diamond"), ("below", "hexagon")];

    [TestMethod]
    public void HeldOutCompositionsAppearOnlyInTestCompositional()
    {
        foreach (var row in SyntheticSamples.Train.Concat(SyntheticSamples.AllSplits).Where(r => r.Split != "test-compositional"))
        {
            var scene = SyntheticSamples.Scene(row);
            var resolved = ReferenceResolver.Resolve(row.Expression, scene);
            Assert.IsFalse(scene.Objects.Any(o => HeldOutColourShapes.Contains((o.Colour, o.Shape))), $"{row.Id} has a held-out object");
            Assert.IsFalse(resolved.NamedPairs.Any(HeldOutColourShapes.Contains), $"{row.Id} '{row.Expression}' names a held-out pair");
            Assert.IsFalse(resolved.RelationPairs.Any(HeldOutRelationShapes.Contains), $"{row.Id} '{row.Expression}' uses a held-out pairing");
        }
    }

    [TestMethod]
    public void EveryCompositionalRowInvolvesAHeldOutComposition()
    {
        var rows = SyntheticSamples.AllSplits.Where(r => r.Split == "test-compositional").ToList();
        Assert.HasCount(50, rows);
        int named = 0, related = 0;
        foreach (var row in rows)
        {
            var scene = SyntheticSamples.Scene(row);
            var resolved = ReferenceResolver.Resolve(row.Expression, scene);
            Assert.IsTrue(scene.Objects.Any(o => HeldOutColourShapes.Contains((o.Colour, o.Shape))), $"{row.Id} has no held-out object");
            bool names = resolved.NamedPairs.Any(HeldOutColourShapes.Contains);
            bool relates = resolved.RelationPairs.Any(HeldOutRelationShapes.Contains);
            bool targetsHeldOut = resolved.Matches.Any(t => HeldOutColourShapes.Contains((scene.Objects[t].Colour, scene.Objects[t].Shape)));
            Assert.IsTrue(names || relates || targetsHeldOut, $"{row.Id} '{row.Expression}' involves no held-out composition");
            named += names ? 1 : 0;
            related += relates ? 1 : 0;
        }
        Assert.IsGreaterThan(0, named, "no compositional row names a held-out colour–shape pair");
        Assert.IsGreaterThan(0, related, "no compositional row uses a held-out relation–shape pairing");
    }

    [TestMethod]
    public void RareWordsAppearOnlyInTestRareAndInEachOfItsRows()
    {
        foreach (var row in SyntheticSamples.Train.Concat(SyntheticSamples.AllSplits))
        {
            bool hasRare = row.Expression.Split(' ').Any(ReferenceResolver.RareWords.Contains);
            if (row.Split == "test-rare") Assert.IsTrue(hasRare, $"{row.Id} '{row.Expression}' has no rare word");
            else Assert.IsFalse(hasRare, $"{row.Id} '{row.Expression}' has a rare word");
        }
        CollectionAssert.AreEquivalent(ReferenceResolver.RareWords, SyntheticSplits.RareWords.ToArray());
    }

    [TestMethod]
    public void AllMeansTheFiveSplitsInOrder()
    {
        var rows = SyntheticSamples.AllSplits;
        CollectionAssert.AreEqual(new[] { "train", "val", "test", "test-compositional", "test-rare" }, rows.Select(r => r.Split).Distinct().ToArray());
        Assert.HasCount(250, rows);
        Assert.HasCount(250, rows.Select(r => r.Id).Distinct());
        Assert.IsTrue(rows.All(r => r.Id.StartsWith(r.Split + "-", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void BadOptionsAreRefusedWithTheirName()
    {
        SyntheticReferringDataset Make(SyntheticReferringDataset.Options o) => new(o);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Make(new() { Split = "training" })).Message, "training");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Make(new() { Size = 32 })).Message, "Size");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Make(new() { Count = 0 })).Message, "Count");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Make(new() { MultiTargetFraction = 1.5 })).Message, "MultiTargetFraction");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Make(new() { NoTargetFraction = -0.1 })).Message, "NoTargetFraction");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Make(new() { NoTargetFraction = 0.6, MultiTargetFraction = 0.6 })).Message, "exceeds 1");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Make(new() { ExpressionsPerScene = 0 })).Message, "ExpressionsPerScene");
    }
}
