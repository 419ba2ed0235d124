using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace MagNet.ML.Tests;

[TestClass]
public sealed class ReferringRecordDataViewTests
{
    private static ReferringRecord Record(string id, int width, int height, Func<BinaryMask>? mask, List<MLImage>? made = null,
        Dictionary<string, string>? extras = null) => new()
    {
        Id = id,
        Expression = "expression " + id,
        ImagePath = "/images/" + id + ".png",
        Split = "val",
        LoadImage = () =>
        {
            var image = new BinaryMask(width, height).ToMLImage();
            made?.Add(image);
            return image;
        },
        LoadMask = mask,
        Extras = extras ?? new Dictionary<string, string>(),
    };

    [TestMethod]
    public void SchemaHasTextImageAndMaskColumns()
    {
        var records = new[] { Record("a", 3, 2, () => new BinaryMask(3, 2), extras: new() { ["ref_id"] = "9" }) };
        var view = ReferringDatasets.FromRecords(new MLContext(1), records, new[] { "ref_id", "template" });
        CollectionAssert.AreEqual(new[] { "Id", "ImagePath", "Image", "Expression", "Mask", "Split", "RefId", "Template" },
            view.Schema.Select(c => c.Name).ToArray());
        Assert.IsInstanceOfType<ImageDataViewType>(view.Schema["Image"].Type);
        Assert.IsInstanceOfType<ImageDataViewType>(view.Schema["Mask"].Type);
        Assert.AreEqual(TextDataViewType.Instance, view.Schema["RefId"].Type);
        Assert.AreEqual(1L, view.GetRowCount());
        CollectionAssert.AreEqual(new[] { "9" }, view.GetColumn<ReadOnlyMemory<char>>("RefId").Select(v => v.ToString()).ToArray());
        CollectionAssert.AreEqual(new[] { "" }, view.GetColumn<ReadOnlyMemory<char>>("Template").Select(v => v.ToString()).ToArray());
    }

    [TestMethod]
    public void UnlabelledRowsHaveNoMaskColumnAndMixingIsRefused()
    {
        var view = ReferringDatasets.FromRecords(new MLContext(1), new[] { Record("a", 2, 2, null) });
        Assert.IsNull(view.Schema.GetColumnOrNull("Mask"));
        var e = Assert.ThrowsExactly<ArgumentException>(() => ReferringDatasets.FromRecords(new MLContext(1),
            new[] { Record("a", 2, 2, () => new BinaryMask(2, 2)), Record("b", 2, 2, null) }));
        StringAssert.Contains(e.Message, "'b'");
    }

    [TestMethod]
    public void CursorDisposesThePreviousRowsImages()
    {
        var made = new List<MLImage>();
        var records = new[] { Record("a", 3, 2, null, made), Record("b", 4, 2, null, made) };
        var view = ReferringDatasets.FromRecords(new MLContext(1), records);
        using (var cursor = view.GetRowCursor(view.Schema))
        {
            var getter = cursor.GetGetter<MLImage>(view.Schema["Image"]);
            MLImage image = null!;
            Assert.IsTrue(cursor.MoveNext());
            getter(ref image);
            getter(ref image); // the same row: decoded once
            Assert.HasCount(1, made);
            Assert.AreEqual(3, image.Width);
            Assert.IsTrue(cursor.MoveNext());
            Assert.Throws<InvalidOperationException>(() => _ = made[0].Width);
            getter(ref image);
            Assert.AreEqual(4, image.Width);
            Assert.IsFalse(cursor.MoveNext());
        }
        Assert.Throws<InvalidOperationException>(() => _ = made[1].Width);
    }

    [TestMethod]
    public void MaskIsWhiteOnBlackAtTheImageSize()
    {
        var mask = new BinaryMask(3, 2);
        mask[2, 1] = true;
        var view = ReferringDatasets.FromRecords(new MLContext(1), new[] { Record("a", 3, 2, () => mask) });
        using var cursor = view.GetRowCursor(view.Schema);
        var getter = cursor.GetGetter<MLImage>(view.Schema["Mask"]);
        Assert.IsTrue(cursor.MoveNext());
        MLImage image = null!;
        getter(ref image);
        var pixels = image.Pixels.ToArray();
        int last = (1 * 3 + 2) * 4;
        Assert.AreEqual((byte)255, pixels[last]);
        Assert.AreEqual((byte)0, pixels[0]);
    }

    [TestMethod]
    public void MaskOfAnotherSizeThanItsImageNamesTheRow()
    {
        var view = ReferringDatasets.FromRecords(new MLContext(1), new[] { Record("row-7", 3, 2, () => new BinaryMask(2, 2)) });
        using var cursor = view.GetRowCursor(view.Schema);
        var getter = cursor.GetGetter<MLImage>(view.Schema["Mask"]);
        Assert.IsTrue(cursor.MoveNext());
        MLImage image = null!;
        var e = Assert.ThrowsExactly<InvalidDataException>(() => getter(ref image));
        StringAssert.Contains(e.Message, "'row-7'");
    }

    [TestMethod]
    public void ShuffledCursorVisitsEveryRowOnce()
    {
        var records = Enumerable.Range(0, 20).Select(i => Record(i.ToString(), 1, 1, null)).ToArray();
        var view = ReferringDatasets.FromRecords(new MLContext(1), records);
        using var cursor = view.GetRowCursor(new[] { view.Schema["Id"] }, new Random(3));
        var getter = cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema["Id"]);
        var seen = new List<string>();
        while (cursor.MoveNext())
        {
            ReadOnlyMemory<char> id = default;
            getter(ref id);
            seen.Add(id.ToString());
        }
        CollectionAssert.AreEquivalent(records.Select(r => r.Id).ToArray(), seen);
        CollectionAssert.AreNotEqual(records.Select(r => r.Id).ToArray(), seen);
    }

    [TestMethod]
    public void InactiveOrMistypedColumnsAreRefused()
    {
        var view = ReferringDatasets.FromRecords(new MLContext(1), new[] { Record("a", 1, 1, null) });
        using var cursor = view.GetRowCursor(new[] { view.Schema["Id"] });
        Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<MLImage>(view.Schema["Image"]));
        Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<float>(view.Schema["Id"]));
    }

    [TestMethod]
    public void ExtraColumnNamesArePascalCase()
    {
        Assert.AreEqual("RefId", ReferringDatasets.ExtraColumnName("ref_id"));
        Assert.AreEqual("Template", ReferringDatasets.ExtraColumnName("template"));
        Assert.AreEqual("SceneGraphV2", ReferringDatasets.ExtraColumnName("scene-graph.v2"));
    }

    [TestMethod]
    public void WorksInsideAnMLNetPipeline()
    {
        // ML.NET's own image transform consumes the Image column.
        var ml = new MLContext(1);
        var view = ReferringDatasets.FromRecords(ml, new[] { Record("a", 6, 4, () => new BinaryMask(6, 4)) });
        var resized = ml.Transforms.ResizeImages("Small", 3, 2, "Image", ImageResizingEstimator.ResizingKind.Fill)
            .Fit(view).Transform(view);
        using var cursor = resized.GetRowCursor(resized.Schema);
        var getter = cursor.GetGetter<MLImage>(resized.Schema["Small"]);
        Assert.IsTrue(cursor.MoveNext());
        MLImage small = null!;
        getter(ref small);
        Assert.AreEqual(3, small.Width);
        Assert.AreEqual(2, small.Height);
    }
}
