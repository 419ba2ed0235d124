using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Tests.Refer;

[TestClass]
public sealed class ReferDatasetTests
{
    private static ReferringRecordList Read(string split, ReferOptions? options = null, string? root = null) =>
        ReferringDatasets.ReadRefer(root ?? ReferMiniFixture.RootPath, "refcoco", "unc", split, options);

    private static string[] Ids(IEnumerable<ReferringRecord> records) => records.Select(r => r.Id).ToArray();

    [TestMethod]
    public void ReadsOneRowPerSentenceWithRawTextAndIds()
    {
        var rows = Read("train");
        CollectionAssert.AreEqual(new[] { "11", "12", "21" }, Ids(rows));
        var first = rows[0];
        Assert.AreEqual("The man on the LEFT.", first.Expression); // raw, not REFER's cleaned "sent"
        Assert.AreEqual("train", first.Split);
        Assert.AreEqual(Path.Combine(ReferMiniFixture.ImageDirectory, "COCO_train2014_000000000001.png"), first.ImagePath);
        Assert.AreEqual("1", first.Extras["ref_id"]);
        Assert.AreEqual("101", first.Extras["ann_id"]);
        Assert.AreEqual("11", first.Extras["sent_id"]);
        Assert.IsEmpty(rows.SkippedRows);
    }

    [TestMethod]
    public void Python2BytesAndUnicodeSentencesKeepTheirText()
    {
        Assert.AreEqual("caf\u00e9 triangle", Read("testA").Single().Expression);
        Assert.AreEqual("na\u00efve person at the bottom", Read("testB").Single(r => r.Id == "61").Expression);
    }

    [TestMethod]
    public void Protocol0PickleReadsTheSameRows()
    {
        // refs(proto0).p holds the same refs written with Python 2's default text protocol.
        var binary = Read("");
        var text = ReferringDatasets.ReadRefer(ReferMiniFixture.RootPath, "refcoco", "proto0", "");
        CollectionAssert.AreEqual(Ids(binary), Ids(text));
        CollectionAssert.AreEqual(binary.Select(r => r.Expression).ToArray(), text.Select(r => r.Expression).ToArray());
        CollectionAssert.AreEqual(binary.Select(r => r.Split).ToArray(), text.Select(r => r.Split).ToArray());
        Assert.AreEqual("caf\u00e9 triangle", text.Single(r => r.Id == "41").Expression);
    }

    [TestMethod]
    public void SplitsFollowRefersRules()
    {
        CollectionAssert.AreEqual(new[] { "31", "32" }, Ids(Read("val")));
        CollectionAssert.AreEqual(new[] { "41" }, Ids(Read("testA")));
        CollectionAssert.AreEqual(new[] { "51", "61" }, Ids(Read("testB")));
        CollectionAssert.AreEqual(new[] { "41", "51", "61" }, Ids(Read("test")));
        Assert.HasCount(8, Read(""));
    }

    [TestMethod]
    public void UnknownSplitListsTheFilesSplits()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Read("dev"));
        StringAssert.Contains(e.Message, "'dev'");
        StringAssert.Contains(e.Message, "testA, testB, train, val");
        var empty = Assert.ThrowsExactly<ArgumentException>(() => Read("testC"));
        StringAssert.Contains(empty.Message, "selects no ref");
    }

    [TestMethod]
    public void RleMaskEqualsTheIndependentDecode()
    {
        var expected = BinaryMask.LoadImage(ReferMiniFixture.Expected("ann103.png"));
        foreach (var row in Read("val"))
            CollectionAssert.AreEqual(expected.Data, row.LoadMask!().Data, $"row {row.Id}");
    }

    [TestMethod]
    public void PolygonMasksAgreeWithAScanlineFill()
    {
        // Row 41: ann 105, triangle (2,2) (30,4) (12,22) on the 32×24 JPEG.
        var mask = Read("testA").Single().LoadMask!();
        Assert.AreEqual(32, mask.Width);
        Assert.AreEqual(24, mask.Height);
        var reference = ScanlineFill.Fill(32, 24, new double[] { 2, 2, 30, 4, 12, 22 });
        Assert.IsGreaterThanOrEqualTo(0.97, ScanlineFill.IoU(mask, reference));
    }

    [TestMethod]
    public void OverlapQuirkIsTheDefaultAndCanBeTurnedOff()
    {
        // Row 21: ann 102, rectangles of 432 and 448 pixels overlapping on 140 (see CocoPolygonTests).
        var quirk = Read("train").Single(r => r.Id == "21").LoadMask!();
        var union = Read("train", new ReferOptions { OverlapAsBackground = false }).Single(r => r.Id == "21").LoadMask!();
        Assert.AreEqual(600L, quirk.Area);
        Assert.AreEqual(740L, union.Area);
        Assert.IsFalse(quirk[35, 15]);
        Assert.IsTrue(union[35, 15]);
    }

    [TestMethod]
    public void ImagesLoadAtTheAnnotatedSize()
    {
        using var image = Read("testA").Single().LoadImage();
        Assert.AreEqual(32, image.Width);
        Assert.AreEqual(24, image.Height);
    }

    [TestMethod]
    public void MissingImageIsAnErrorNamingItUnlessSkipped()
    {
        using var copy = ReferMiniFixture.Copy();
        string missing = Path.Combine(copy.Path, "images", "mscoco", "images", "train2014", "COCO_train2014_000000000002.png");
        File.Delete(missing);
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => Read("", root: copy.Path));
        StringAssert.Contains(e.Message, missing);

        var rows = Read("", new ReferOptions { SkipMissingImages = true }, copy.Path);
        CollectionAssert.AreEqual(new[] { "11", "12", "21", "41", "61" }, Ids(rows));
        CollectionAssert.AreEqual(new[] { "31", "32", "51" }, rows.SkippedRows.Select(s => s.Row).ToArray());
        StringAssert.Contains(rows.SkippedRows[0].Reason, missing);
    }

    [TestMethod]
    public void CorruptImageIsAnErrorNamingIt()
    {
        using var copy = ReferMiniFixture.Copy();
        string image = Path.Combine(copy.Path, "images", "mscoco", "images", "train2014", "COCO_train2014_000000000003.jpg");
        File.WriteAllBytes(image, new byte[] { 0xFF, 0xD8, 0x00, 0x01, 0x02 });
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Read("testA", root: copy.Path));
        StringAssert.Contains(e.Message, image);
        StringAssert.Contains(e.Message, "ref_id 4");
    }

    [TestMethod]
    public void ImageOfAnotherSizeThanInstancesIsAnError()
    {
        using var copy = ReferMiniFixture.Copy();
        EditInstances(copy.Path, json => json["images"]![2]!["width"] = 33);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Read("testA", root: copy.Path));
        StringAssert.Contains(e.Message, "32×24");
        StringAssert.Contains(e.Message, "33×24");
    }

    [TestMethod]
    public void PolygonOutOfBoundsNamesTheAnnotationAndCanBeSkipped()
    {
        using var copy = ReferMiniFixture.Copy();
        EditInstances(copy.Path, json => json["annotations"]![4]!["segmentation"]![0]![2] = 90.0); // ann 105, x of vertex 1
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Read("test", root: copy.Path));
        StringAssert.Contains(e.Message, "ann_id 105");
        StringAssert.Contains(e.Message, "outside");

        var rows = Read("test", new ReferOptions { SkipInvalidRows = true }, copy.Path);
        CollectionAssert.AreEqual(new[] { "51", "61" }, Ids(rows));
        Assert.AreEqual("41", rows.SkippedRows.Single().Row);
    }

    [TestMethod]
    public void MalformedPickleNamesTheFile()
    {
        using var copy = ReferMiniFixture.Copy();
        string refs = Path.Combine(copy.Path, "refcoco", "refs(unc).p");
        var bytes = File.ReadAllBytes(refs);
        File.WriteAllBytes(refs, bytes[..(bytes.Length / 2)]);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Read("train", root: copy.Path));
        StringAssert.Contains(e.Message, refs);
    }

    [TestMethod]
    public void MissingRefsFileIsFileNotFound()
    {
        var e = Assert.ThrowsExactly<FileNotFoundException>(() =>
            ReferringDatasets.ReadRefer(ReferMiniFixture.RootPath, "refcoco", "google", "val"));
        StringAssert.Contains(e.Message, "refs(google).p");
    }

    [TestMethod]
    public void LoadReferExposesRowsAsADataView()
    {
        var ml = new MLContext(seed: 1);
        var view = ReferringDatasets.LoadRefer(ml, ReferMiniFixture.RootPath, "refcoco", "unc", "val");
        CollectionAssert.AreEqual(
            new[] { "Id", "ImagePath", "Image", "Expression", "Mask", "Split", "RefId", "AnnId", "SentId" },
            view.Schema.Select(c => c.Name).ToArray());
        var expected = BinaryMask.LoadImage(ReferMiniFixture.Expected("ann103.png"));
        using var cursor = view.GetRowCursor(view.Schema);
        var id = cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema["Id"]);
        var expression = cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema["Expression"]);
        var annId = cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema["AnnId"]);
        var image = cursor.GetGetter<MLImage>(view.Schema["Image"]);
        var mask = cursor.GetGetter<MLImage>(view.Schema["Mask"]);
        var ids = new List<string>();
        while (cursor.MoveNext())
        {
            ReadOnlyMemory<char> text = default, ann = default, sentence = default;
            MLImage? picture = null, label = null;
            id(ref text);
            annId(ref ann);
            expression(ref sentence);
            image(ref picture!);
            mask(ref label!);
            ids.Add(text.ToString());
            Assert.AreEqual("103", ann.ToString());
            Assert.AreEqual(40, picture.Width);
            Assert.AreEqual(32, picture.Height);
            CollectionAssert.AreEqual(expected.Data, BinaryMask.FromMLImage(label).Data);
        }
        CollectionAssert.AreEqual(new[] { "31", "32" }, ids);
    }

    [TestMethod]
    public void LoadReferReportsSkippedRowsThroughTheLog()
    {
        using var copy = ReferMiniFixture.Copy();
        File.Delete(Path.Combine(copy.Path, "images", "mscoco", "images", "train2014", "COCO_train2014_000000000002.png"));
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        var view = ReferringDatasets.LoadRefer(ml, copy.Path, "refcoco", "unc", "val", new ReferOptions { SkipMissingImages = true });
        Assert.AreEqual(0L, view.GetRowCount());
        string warning;
        lock (messages) warning = messages.Single(m => m.Contains("skipped", StringComparison.Ordinal));
        StringAssert.Contains(warning, "skipped 2 rows (31, 32)");
    }

    private static void EditInstances(string root, Action<JsonNode> edit)
    {
        string path = Path.Combine(root, "refcoco", "instances.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }
}
