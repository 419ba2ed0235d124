namespace MagNet.ML.Tests.Coco;

[TestClass]
public sealed class CocoInstancesTests
{
    [TestMethod]
    public void ReadsImagesAnnotationsAndCategories()
    {
        var instances = CocoInstances.Load(Path.Combine(ReferMiniFixture.RootPath, "refcoco", "instances.json"));
        Assert.HasCount(3, instances.Images);
        Assert.HasCount(7, instances.Annotations);
        Assert.AreEqual(new CocoImage(3, "COCO_train2014_000000000003.jpg", 32, 24), instances.Images[3]);
        Assert.IsTrue(instances.Annotations[104].IsCrowd);
        Assert.IsFalse(instances.Annotations[104].Segmentation.IsPolygons);
        Assert.HasCount(2, instances.Annotations[102].Segmentation.Polygons!);
        Assert.AreEqual("dog", instances.Categories[2]);
    }

    [TestMethod]
    public void MalformedJsonNamesTheFile()
    {
        using var temp = new TempDirectory();
        string path = temp.File("instances.json");
        File.WriteAllText(path, "{\"images\": [ {\"id\": 1,");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => CocoInstances.Load(path));
        StringAssert.Contains(e.Message, path);
    }

    [TestMethod]
    public void MalformedSegmentationNamesTheAnnotation()
    {
        using var temp = new TempDirectory();
        string path = temp.File("instances.json");
        File.WriteAllText(path, """
            {"images": [{"id": 1, "file_name": "a.png", "width": 4, "height": 4}],
             "annotations": [{"id": 77, "image_id": 1, "segmentation": {"size": [4, 4], "counts": "not-a-list-or-string-ok"}},
                             {"id": 78, "image_id": 1, "segmentation": 5}],
             "categories": []}
            """);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => CocoInstances.Load(path));
        StringAssert.Contains(e.Message, "id 78");
        StringAssert.Contains(e.Message, path);
    }

    [TestMethod]
    public void MissingFileIsFileNotFound()
    {
        Assert.ThrowsExactly<FileNotFoundException>(() => CocoInstances.Load("/nonexistent/instances.json"));
    }
}
