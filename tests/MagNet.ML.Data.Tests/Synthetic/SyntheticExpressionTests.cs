namespace MagNet.ML.Tests.Synthetic;

/// <summary>Every expression, read by the independent <see cref="ReferenceResolver"/>, refers to exactly the recorded targets.</summary>
[TestClass]
public sealed class SyntheticExpressionTests
{
    [TestMethod]
    public void EveryTrainExpressionResolvesToItsRecordedTargets() => CheckAll(SyntheticSamples.Train);

    [TestMethod]
    public void EveryExpressionOfEverySplitResolvesToItsRecordedTargets() => CheckAll(SyntheticSamples.AllSplits);

    [TestMethod]
    public void LargerCanvasesKeepTheExpressionsUnique() =>
        CheckAll(new SyntheticReferringDataset(new() { Seed = 4, Count = 30, Size = 200, ExpressionsPerScene = 3, Split = "test" }).Generate());

    [TestMethod]
    public void TwoHundredRowsUseEverySingleTargetFamily()
    {
        var rows = SyntheticSamples.Generate(SyntheticSplits.Train, 200, 0, 0, seed: 21);
        var families = rows.Select(r => r.Extras[SyntheticReferringDataset.TemplateKey]).ToHashSet();
        foreach (string family in new[] { "attribute", "ordinal", "one-hop", "two-hop", "same-attribute" })
            Assert.Contains(family, families);
        // No family swamps the others.
        foreach (var group in rows.GroupBy(r => r.Extras[SyntheticReferringDataset.TemplateKey]))
            Assert.IsTrue(group.Count() is >= 15 and <= 80, $"{group.Key}: {group.Count()} of 200");
    }

    [TestMethod]
    public void MultiAndNoTargetFractionsAreRoughlyHonoured()
    {
        var rows = SyntheticSamples.Generate(SyntheticSplits.Val, 200, 0.25, 0.2, seed: 5);
        int multi = rows.Count(r => r.Extras[SyntheticReferringDataset.TemplateKey] == "multi-target");
        int none = rows.Count(r => r.Extras[SyntheticReferringDataset.TemplateKey] == "no-target");
        Assert.IsTrue(multi is >= 30 and <= 70, $"{multi} multi-target rows of 200 at 25 %");
        Assert.IsTrue(none is >= 22 and <= 60, $"{none} no-target rows of 200 at 20 %");
        Assert.AreEqual(0, SyntheticSamples.Generate(SyntheticSplits.Val, 60, 0, 0, seed: 5)
            .Count(r => r.Extras[SyntheticReferringDataset.TargetsKey] != "1"));
    }

    [TestMethod]
    public void ExpressionsPerSceneAreDistinctAndShareTheImage()
    {
        var rows = new SyntheticReferringDataset(new() { Seed = 8, Count = 12, ExpressionsPerScene = 4 }).Generate();
        Assert.HasCount(12, rows);
        foreach (var scene in rows.GroupBy(r => r.Extras[SyntheticReferringDataset.SceneKey]))
        {
            Assert.HasCount(4, scene);
            Assert.HasCount(4, scene.Select(r => r.Expression).Distinct());
        }
        CollectionAssert.AreEqual(new[] { "train-000000-0", "train-000000-1", "train-000000-2", "train-000000-3", "train-000001-0" },
            rows.Take(5).Select(r => r.Id).ToArray());
    }

    private static void CheckAll(IReadOnlyList<ReferringRecord> rows)
    {
        foreach (var row in rows)
        {
            var scene = SyntheticSamples.Scene(row);
            int[] targets = SyntheticSamples.TargetIds(row);
            string template = row.Extras[SyntheticReferringDataset.TemplateKey];
            int hops = int.Parse(row.Extras[SyntheticReferringDataset.HopsKey]);
            string context = $"{row.Id} '{row.Expression}' ({template})";

            Assert.IsFalse(string.IsNullOrWhiteSpace(row.Expression), context);
            Assert.IsLessThanOrEqualTo(15, row.Expression.Split(' ').Length, context);
            Assert.IsTrue(scene.Objects.Count is >= 3 and <= 9, context);
            Assert.AreEqual(targets.Length.ToString(), row.Extras[SyntheticReferringDataset.TargetsKey], context);

            Resolution resolved;
            try { resolved = ReferenceResolver.Resolve(row.Expression, scene); }
            catch (FormatException e) { Assert.Fail($"{context}: cannot read it: {e.Message}"); return; }

            Assert.IsEmpty(resolved.Problems, $"{context}: {string.Join("; ", resolved.Problems)}");
            CollectionAssert.AreEqual(targets.Order().ToArray(), resolved.Matches.ToArray(), context);
            switch (template)
            {
                case "no-target":
                    Assert.IsEmpty(resolved.Matches, context);
                    Assert.IsTrue(resolved.Structure is "attribute" or "one-hop", context);
                    break;
                case "multi-target":
                    Assert.IsGreaterThanOrEqualTo(2, resolved.Matches.Count, context);
                    Assert.AreEqual("multi-target", resolved.Structure, context);
                    break;
                default:
                    Assert.HasCount(1, resolved.Matches, context);
                    Assert.AreEqual(template, resolved.Structure, context);
                    break;
            }
            Assert.AreEqual(resolved.Hops, hops, context);
        }
    }
}
