namespace MagNet.ML.Tests.Synthetic;

/// <summary>A scene rebuilt from its JSON has the original's masks; a predicted mask is attributed to the object it covers most.</summary>
[TestClass]
public sealed class SyntheticGroundingTests
{
    [TestMethod]
    public void ASceneRebuiltFromItsJsonHasTheSameMasksAsTheRowsTargets()
    {
        foreach (var row in SyntheticSamples.Train.Take(40))
        {
            var scene = SceneGraph.FromJson(row.Extras[SyntheticReferringDataset.SceneKey]);
            int[] targets = SyntheticSamples.TargetIds(row);
            var expected = row.LoadMask!();
            var rebuilt = scene.VisibleMask(targets);
            CollectionAssert.AreEqual(expected.Data, rebuilt.Data, $"{row.Id}: the rebuilt scene's target mask differs from the row's mask");
            Assert.AreEqual(SyntheticSamples.Scene(row).Objects.Count, scene.Objects.Count, row.Id);
        }
    }

    [TestMethod]
    public void FromJsonNamesWhatIsWrong()
    {
        string json = SyntheticSamples.Train[0].Extras[SyntheticReferringDataset.SceneKey];
        var noShape = Assert.ThrowsExactly<InvalidDataException>(() => SceneGraph.FromJson(json.Replace("\"shape\":\"", "\"shape\":\"blob")));
        StringAssert.Contains(noShape.Message, "is not a shape of the synthetic set");
        int at = json.IndexOf("\"pixels\":", StringComparison.Ordinal) + "\"pixels\":".Length;
        var wrongCount = Assert.ThrowsExactly<InvalidDataException>(() => SceneGraph.FromJson(json[..at] + "1" + json[at..]));
        StringAssert.Contains(wrongCount.Message, "Object 0");
        Assert.ThrowsExactly<InvalidDataException>(() => SceneGraph.FromJson("{\"width\":64}"));
        Assert.ThrowsExactly<InvalidDataException>(() => SceneGraph.FromJson("not json"));
    }

    [TestMethod]
    public void APredictionIsAttributedToTheObjectWhoseVisiblePartItCoversMost()
    {
        // Two separate squares and a circle drawn over the right half of the second square.
        var scene = new SceneGraph(64,
        [
            new SceneObject(SyntheticShape.Square, SyntheticColour.Red, SyntheticSize.Large, 16, 16, 8),
            new SceneObject(SyntheticShape.Square, SyntheticColour.Blue, SyntheticSize.Large, 44, 44, 10),
            new SceneObject(SyntheticShape.Circle, SyntheticColour.Green, SyntheticSize.Small, 52, 44, 6),
        ]);
        Assert.AreEqual(1, SyntheticGrounding.PickedObject(scene, scene.VisibleMask(1)));
        Assert.AreEqual(2, SyntheticGrounding.PickedObject(scene, scene.VisibleMask(2)));
        Assert.AreEqual(-1, SyntheticGrounding.PickedObject(scene, new BinaryMask(64, 64)));

        // Square 0 whole plus three pixels of square 1: square 0. The background alone: none.
        var mostlyFirst = scene.VisibleMask(0);
        int placed = 0;
        var second = scene.VisibleMask(1);
        for (int i = 0; i < second.Data.Length && placed < 3; i++)
            if (second.Data[i] != 0) { mostlyFirst.Data[i] = 1; placed++; }
        Assert.AreEqual(0, SyntheticGrounding.PickedObject(scene, mostlyFirst));
        var background = new BinaryMask(64, 64);
        background[0, 63] = true;
        background[63, 0] = true;
        Assert.AreEqual(-1, SyntheticGrounding.PickedObject(scene, background));

        // The full outline of the occluded square covers the circle's pixels too, but more of the square's visible part.
        Assert.AreEqual(1, SyntheticGrounding.PickedObject(scene, scene.ShapeMask(1)));
        Assert.ThrowsExactly<ArgumentException>(() => SyntheticGrounding.PickedObject(scene, new BinaryMask(32, 32)));
    }
}
