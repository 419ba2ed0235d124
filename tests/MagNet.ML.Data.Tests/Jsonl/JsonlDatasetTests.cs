using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Tests.Jsonl;

[TestClass]
public sealed class JsonlDatasetTests
{
    private static TempDirectory MakeSet(params string[] lines)
    {
        var temp = new TempDirectory();
        TestImages.WritePng(temp.File("images/a.png"), 12, 8);
        TestImages.WritePng(temp.File("images/b.png"), 6, 4);
        File.WriteAllLines(temp.File("data.jsonl"), lines);
        return temp;
    }

    [TestMethod]
    public void ReadsPngPolygonAndRleMasks()
    {
        using var temp = MakeSet(
            """{"id": "png", "image": "images/a.png", "expression": "left block", "mask": "masks/a.png", "split": "train"}""",
            """{"id": "poly", "image": "images/a.png", "expression": "box", "mask": [[2, 2, 10, 2, 10, 6, 2, 6]]}""",
            """{"id": "rle-list", "image": "images/b.png", "expression": "corner", "mask": {"size": [4, 6], "counts": [0, 2, 22]}}""",
            """{"id": "rle-string", "image": "images/b.png", "expression": "corner", "mask": {"size": [4, 6], "counts": "02f0"}}""");
        var png = new BinaryMask(12, 8);
        png[0, 0] = png[11, 7] = png[5, 3] = true;
        Directory.CreateDirectory(temp.File("masks"));
        png.SavePng(temp.File("masks/a.png"));

        var rows = ReferringDatasets.ReadJsonl(temp.File("data.jsonl"));
        CollectionAssert.AreEqual(new[] { "png", "poly", "rle-list", "rle-string" }, rows.Select(r => r.Id).ToArray());
        Assert.AreEqual("train", rows[0].Split);
        Assert.AreEqual("", rows[1].Split);
        Assert.AreEqual(temp.File("images/a.png"), rows[0].ImagePath);
        CollectionAssert.AreEqual(png.Data, rows[0].LoadMask!().Data);

        // [2,10) × [2,6): 8 × 4 = 32 pixels.
        var box = rows[1].LoadMask!();
        Assert.AreEqual(32L, box.Area);
        Assert.IsTrue(box[2, 2] && box[9, 5] && !box[10, 5] && !box[9, 6]);

        // Counts [0, 2, 22] on 4×6: the first two pixels of column 0 (rows 0 and 1).
        var expected = new BinaryMask(6, 4);
        expected[0, 0] = expected[0, 1] = true;
        CollectionAssert.AreEqual(expected.Data, rows[2].LoadMask!().Data);
        // "02f0" is the same counts in COCO's string form: '0' = 0, '2' = 2, then 22 = 0b10110, whose bit 4 would
        // read as a sign, so it takes two characters: 'f' (48 + 22 + 32, continuation bit) and '0'.
        CollectionAssert.AreEqual(expected.Data, rows[3].LoadMask!().Data);
    }

    [TestMethod]
    public void OtherFieldsAreKeptAsExtrasAndSimpleOnesBecomeColumns()
    {
        using var temp = MakeSet(
            """{"image": "images/a.png", "expression": "the red one", "template": "attr", "hops": 2, "scene": {"objects": [1, 2]}}""",
            "",
            """{"image": "images/a.png", "expression": "the blue one", "template": "rel", "hops": 1, "scene": {"objects": []}}""");
        var rows = ReferringDatasets.ReadJsonl(temp.File("data.jsonl"));
        CollectionAssert.AreEqual(new[] { "1", "3" }, rows.Select(r => r.Id).ToArray()); // line numbers; blank line 2 ignored
        Assert.AreEqual("attr", rows[0].Extras["template"]);
        Assert.AreEqual("2", rows[0].Extras["hops"]);
        Assert.AreEqual("""{"objects": [1, 2]}""", rows[0].Extras["scene"]);
        Assert.IsNull(rows[0].LoadMask);

        var view = ReferringDatasets.LoadJsonl(new MLContext(1), temp.File("data.jsonl"));
        CollectionAssert.AreEqual(new[] { "Id", "ImagePath", "Image", "Expression", "Split", "Template", "Hops" },
            view.Schema.Select(c => c.Name).ToArray());
        var hops = view.GetColumn<ReadOnlyMemory<char>>("Hops").Select(h => h.ToString()).ToArray();
        CollectionAssert.AreEqual(new[] { "2", "1" }, hops);
    }

    [TestMethod]
    public void EmptyPolygonListIsANoTargetMask()
    {
        using var temp = MakeSet("""{"image": "images/b.png", "expression": "the purple giraffe", "mask": []}""");
        var mask = ReferringDatasets.ReadJsonl(temp.File("data.jsonl")).Single().LoadMask!();
        Assert.IsTrue(mask.IsEmpty);
        Assert.AreEqual(6, mask.Width);
        Assert.AreEqual(4, mask.Height);
    }

    [TestMethod]
    public void AbsoluteImagePathsAreAccepted()
    {
        using var temp = new TempDirectory();
        string image = TestImages.WritePng(temp.File("elsewhere/x.png"), 5, 5);
        Directory.CreateDirectory(temp.File("set"));
        File.WriteAllText(temp.File("set/data.jsonl"), $$"""{"image": "{{image}}", "expression": "x"}""" + "\n");
        Assert.AreEqual(image, ReferringDatasets.ReadJsonl(temp.File("set/data.jsonl")).Single().ImagePath);
    }

    [TestMethod]
    public void MalformedJsonNamesTheLine()
    {
        using var temp = MakeSet("""{"image": "images/a.png", "expression": "ok"}""", """{"image": "images/a.png", "expression": """);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ReferringDatasets.ReadJsonl(temp.File("data.jsonl")));
        StringAssert.Contains(e.Message, "line 2");
        StringAssert.Contains(e.Message, temp.File("data.jsonl"));
    }

    [TestMethod]
    public void MissingImageNamesTheFileAndLine()
    {
        using var temp = MakeSet("""{"image": "images/nope.png", "expression": "x"}""");
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => ReferringDatasets.ReadJsonl(temp.File("data.jsonl")));
        StringAssert.Contains(e.Message, "line 1");
        StringAssert.Contains(e.Message, temp.File("images/nope.png"));
    }

    [TestMethod]
    public void CorruptImageNamesTheFileAndLine()
    {
        using var temp = MakeSet("""{"image": "images/bad.png", "expression": "x"}""");
        File.WriteAllBytes(temp.File("images/bad.png"), new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3 });
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ReferringDatasets.ReadJsonl(temp.File("data.jsonl")));
        StringAssert.Contains(e.Message, "line 1");
        StringAssert.Contains(e.Message, temp.File("images/bad.png"));
    }

    [TestMethod]
    public void MaskOfAnotherSizeIsAnError()
    {
        using var temp = MakeSet("""{"image": "images/a.png", "expression": "x", "mask": "m.png"}""");
        new BinaryMask(6, 4).SavePng(temp.File("m.png"));
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ReferringDatasets.ReadJsonl(temp.File("data.jsonl")));
        StringAssert.Contains(e.Message, "6×4");
        StringAssert.Contains(e.Message, "12×8");
    }

    [TestMethod]
    public void RleOfAnotherSizeIsAnError()
    {
        using var temp = MakeSet("""{"image": "images/a.png", "expression": "x", "mask": {"size": [4, 6], "counts": [24]}}""");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ReferringDatasets.ReadJsonl(temp.File("data.jsonl")));
        StringAssert.Contains(e.Message, "line 1");
        StringAssert.Contains(e.Message, "[4, 6]");
    }

    [TestMethod]
    public void PolygonOutOfBoundsIsAnError()
    {
        using var temp = MakeSet("""{"image": "images/b.png", "expression": "x", "mask": [[0, 0, 20, 0, 3, 3]]}""");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ReferringDatasets.ReadJsonl(temp.File("data.jsonl")));
        StringAssert.Contains(e.Message, "line 1");
        StringAssert.Contains(e.Message, "outside the 6×4 image");
    }

    [TestMethod]
    public void MissingExpressionAndDuplicateIdsAreErrors()
    {
        using var noExpression = MakeSet("""{"image": "images/a.png"}""");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ReferringDatasets.ReadJsonl(noExpression.File("data.jsonl")));
        StringAssert.Contains(e.Message, "\"expression\" is missing");

        using var duplicate = MakeSet("""{"id": 7, "image": "images/a.png", "expression": "a"}""",
            """{"id": "7", "image": "images/a.png", "expression": "b"}""");
        var d = Assert.ThrowsExactly<InvalidDataException>(() => ReferringDatasets.ReadJsonl(duplicate.File("data.jsonl")));
        StringAssert.Contains(d.Message, "line 2");
        StringAssert.Contains(d.Message, "line 1");
    }

    [TestMethod]
    public void SkippingBadRowsListsEveryOne()
    {
        using var temp = MakeSet(
            """{"image": "images/a.png", "expression": "good"}""",
            """not json""",
            """{"image": "images/missing.png", "expression": "x"}""",
            """{"image": "images/b.png", "expression": "good too", "mask": [[0, 0, 5, 0, 5, 3]]}""");
        var rows = ReferringDatasets.ReadJsonl(temp.File("data.jsonl"), new JsonlOptions { SkipInvalidRows = true });
        CollectionAssert.AreEqual(new[] { "1", "4" }, rows.Select(r => r.Id).ToArray());
        CollectionAssert.AreEqual(new[] { "line 2", "line 3" }, rows.SkippedRows.Select(s => s.Row).ToArray());
        StringAssert.Contains(rows.SkippedRows[1].Reason, "missing.png");
    }

    [TestMethod]
    public void WithoutUpFrontChecksFaultsSurfaceWhenLoading()
    {
        using var temp = MakeSet("""{"image": "images/a.png", "expression": "x", "mask": "m.png"}""");
        new BinaryMask(6, 4).SavePng(temp.File("m.png"));
        var row = ReferringDatasets.ReadJsonl(temp.File("data.jsonl"), new JsonlOptions { VerifyFiles = false }).Single();
        var e = Assert.ThrowsExactly<InvalidDataException>(() => row.LoadMask!());
        StringAssert.Contains(e.Message, "line 1");
        using var image = row.LoadImage();
        Assert.AreEqual(12, image.Width);
    }
}
