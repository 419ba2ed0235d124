namespace MagNet.ML.Tests.Refer;

[TestClass]
public sealed class GRefCocoDatasetTests
{
    private static ReferringRecordList Read(string split) => ReferringDatasets.ReadGRefCoco(
        ReferMiniFixture.RootPath, split, options: new ReferOptions { ImageDirectory = ReferMiniFixture.ImageDirectory });

    [TestMethod]
    public void MultiTargetMaskIsTheUnionOfItsTargets()
    {
        var row = Read("train").Single();
        Assert.AreEqual("101", row.Id);
        Assert.AreEqual("[101,107]", row.Extras["ann_id"]);
        var mask = row.LoadMask!();
        var instances = CocoInstances.Load(Path.Combine(ReferMiniFixture.RootPath, "grefcoco", "instances.json"));
        var a = instances.Annotations[101].Segmentation.ToMask(40, 48);
        var b = instances.Annotations[107].Segmentation.ToMask(40, 48);
        for (int i = 0; i < mask.Data.Length; i++)
            Assert.AreEqual(a.Data[i] | b.Data[i], mask.Data[i], $"pixel {i}");
        Assert.IsGreaterThan(a.Area, mask.Area);
        Assert.IsGreaterThan(b.Area, mask.Area);
    }

    [TestMethod]
    public void NoTargetExpressionHasAnEmptyMaskOfTheImageSize()
    {
        var row = Read("val").Single(r => r.Id == "201");
        Assert.AreEqual("[-1]", row.Extras["ann_id"]);
        var mask = row.LoadMask!();
        Assert.IsTrue(mask.IsEmpty);
        Assert.AreEqual(40, mask.Width);
        Assert.AreEqual(32, mask.Height);
    }

    [TestMethod]
    public void CrowdTargetsAreLeftOut()
    {
        // Ref 3 names ann 103 and the crowd ann 104: only 103 counts.
        var expected = BinaryMask.LoadImage(ReferMiniFixture.Expected("ann103.png"));
        CollectionAssert.AreEqual(expected.Data, Read("val").Single(r => r.Id == "301").LoadMask!().Data);
    }

    [TestMethod]
    public void OverlappingPolygonsOfOneTargetAreAUnion()
    {
        // Ann 102's rectangles (432 + 448 pixels, 140 shared): gRefCOCO keeps the shared pixels.
        Assert.AreEqual(740L, Read("testA").Single().LoadMask!().Area);
    }

    [TestMethod]
    public void SplitMustBeOneTheFileUses()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Read("test"));
        StringAssert.Contains(e.Message, "testA, train, val");
        Assert.HasCount(4, Read(""));
    }

    [TestMethod]
    public void MalformedRefsNameTheFileAndRef()
    {
        using var copy = ReferMiniFixture.Copy();
        string refs = Path.Combine(copy.Path, "grefcoco", "grefs(unc).json");
        string text = File.ReadAllText(refs);
        var options = new ReferOptions { ImageDirectory = ReferMiniFixture.ImageDirectory };

        File.WriteAllText(refs, text[..(text.Length - 10)]);
        var truncated = Assert.ThrowsExactly<InvalidDataException>(() => ReferringDatasets.ReadGRefCoco(copy.Path, "val", options: options));
        StringAssert.Contains(truncated.Message, refs);

        File.WriteAllText(refs, text.Replace("\"ann_id\": [-1]", "\"ann_id\": \"none\""));
        var mistyped = Assert.ThrowsExactly<InvalidDataException>(() => ReferringDatasets.ReadGRefCoco(copy.Path, "val", options: options));
        StringAssert.Contains(mistyped.Message, "ref_id 2");
        StringAssert.Contains(mistyped.Message, "'ann_id'");
    }

    [TestMethod]
    public void ReferEntryPointReadsGRefCocoToo()
    {
        var rows = ReferringDatasets.ReadRefer(ReferMiniFixture.RootPath, "grefcoco", "unc", "val",
            new ReferOptions { ImageDirectory = ReferMiniFixture.ImageDirectory });
        CollectionAssert.AreEqual(new[] { "201", "301" }, rows.Select(r => r.Id).ToArray());
    }
}
