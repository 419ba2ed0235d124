namespace MagNet.ML.Tests.Synthetic;

/// <summary>Rows are a function of (seed, split, index) alone, in memory and on disk.</summary>
[TestClass]
public sealed class SyntheticDeterminismTests
{
    private static SyntheticReferringDataset Make(int seed, int count, string split) =>
        new(new() { Seed = seed, Count = count, Split = split, MultiTargetFraction = 0.2, NoTargetFraction = 0.1 });

    [TestMethod]
    public void SameSeedGivesIdenticalRowsImagesAndMasks()
    {
        var a = Make(3, 12, "train,test-rare").Generate();
        var b = Make(3, 12, "train,test-rare").Generate();
        Assert.HasCount(24, a);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.AreEqual(a[i].Id, b[i].Id);
            Assert.AreEqual(a[i].Expression, b[i].Expression);
            Assert.AreEqual(a[i].Split, b[i].Split);
            CollectionAssert.AreEquivalent(a[i].Extras.ToArray(), b[i].Extras.ToArray());
            using var imageA = a[i].LoadImage();
            using var imageB = b[i].LoadImage();
            CollectionAssert.AreEqual(imageA.Pixels.ToArray(), imageB.Pixels.ToArray(), a[i].Id);
            CollectionAssert.AreEqual(a[i].LoadMask!().Data, b[i].LoadMask!().Data, a[i].Id);
        }
    }

    [TestMethod]
    public void WritingTwiceGivesByteIdenticalFiles()
    {
        string first = TempDirectory(), second = TempDirectory();
        try
        {
            Make(5, 8, "val,test-compositional").WriteTo(first);
            Make(5, 8, "val,test-compositional").WriteTo(second);
            var files = Files(first);
            CollectionAssert.AreEqual(files, Files(second));
            Assert.HasCount(1 + 16 + 16, files); // data.jsonl, one image and one mask per row
            foreach (string file in files)
                CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(first, file)), File.ReadAllBytes(Path.Combine(second, file)), file);
        }
        finally { Directory.Delete(first, true); Directory.Delete(second, true); }
    }

    [TestMethod]
    public void WrittenFilesHoldWhatIsGeneratedInMemory()
    {
        string directory = TempDirectory();
        try
        {
            var inMemory = Make(6, 6, "train").Generate();
            var written = Make(6, 6, "train").WriteTo(directory);
            string[] lines = File.ReadAllLines(Path.Combine(directory, "data.jsonl"));
            Assert.HasCount(6, lines);
            for (int i = 0; i < 6; i++)
            {
                using var json = System.Text.Json.JsonDocument.Parse(lines[i]);
                var root = json.RootElement;
                CollectionAssert.AreEqual(
                    new[] { "id", "image", "mask", "expression", "split", "template", "hops", "targets", "target_ids", "scene" },
                    root.EnumerateObject().Select(p => p.Name).ToArray());
                Assert.AreEqual(inMemory[i].Id, root.GetProperty("id").GetString());
                Assert.AreEqual(inMemory[i].Expression, root.GetProperty("expression").GetString());
                Assert.AreEqual($"images/train-{i:D6}.png", root.GetProperty("image").GetString());
                Assert.AreEqual($"masks/train-{i:D6}-0.png", root.GetProperty("mask").GetString());
                Assert.AreEqual(Path.Combine(directory, "images", $"train-{i:D6}.png"), written[i].ImagePath);
                using var fromMemory = inMemory[i].LoadImage();
                using var fromFile = written[i].LoadImage();
                CollectionAssert.AreEqual(fromMemory.Pixels.ToArray(), fromFile.Pixels.ToArray());
                CollectionAssert.AreEqual(inMemory[i].LoadMask!().Data, written[i].LoadMask!().Data);
            }
        }
        finally { Directory.Delete(directory, true); }
    }

    [TestMethod]
    public void DifferentSeedsGiveDifferentRows()
    {
        var a = Make(1, 10, "train").Generate();
        var b = Make(2, 10, "train").Generate();
        int sameText = a.Zip(b).Count(p => p.First.Expression == p.Second.Expression);
        int sameScene = a.Zip(b).Count(p => p.First.Extras["scene"] == p.Second.Extras["scene"]);
        Assert.IsLessThan(4, sameText);
        Assert.AreEqual(0, sameScene);
        using var imageA = a[0].LoadImage();
        using var imageB = b[0].LoadImage();
        CollectionAssert.AreNotEqual(imageA.Pixels.ToArray(), imageB.Pixels.ToArray());
    }

    [TestMethod]
    public void ASplitsRowsDoNotDependOnCountOrOtherSplits()
    {
        static string[] Key(IEnumerable<ReferringRecord> rows) => rows.Select(r => $"{r.Id}|{r.Expression}|{r.Extras["scene"]}").ToArray();
        var small = Key(Make(9, 4, "val").Generate());
        var larger = Key(Make(9, 10, "val").Generate().Take(4));
        var withOthers = Key(Make(9, 4, "all").Generate().Where(r => r.Split == "val"));
        CollectionAssert.AreEqual(small, larger);
        CollectionAssert.AreEqual(small, withOthers);
        var train = Key(Make(9, 4, "train").Generate());
        Assert.IsFalse(train.Select(k => k.Split('|')[2]).Intersect(small.Select(k => k.Split('|')[2])).Any(), "train and val share a scene");
    }

    private static string TempDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), $"synth-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    private static string[] Files(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal).ToArray();
}
