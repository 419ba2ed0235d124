using System.Text.Json.Nodes;

namespace MagNet.ML.Tests.Jsonl;

[TestClass]
public sealed class ReferringJsonlWriterTests
{
    [TestMethod]
    public void WrittenSetReadsBackWithMasksAndTypedExtras()
    {
        using var temp = new TempDirectory();
        string inside = TestImages.WritePng(temp.File("out/images/0.png"), 4, 3);
        string outside = TestImages.WritePng(temp.File("coco/x.png"), 4, 3);
        var mask = new BinaryMask(4, 3);
        mask[1, 2] = mask[3, 0] = true;
        using (var writer = new ReferringJsonlWriter(temp.File("out")))
        {
            writer.Write("0", inside, "caf\u00e9 on the left", mask, "train",
                new Dictionary<string, JsonNode?> { ["hops"] = 2, ["ann_id"] = new JsonArray(101, 107), ["template"] = "attr" });
            writer.Write("1", outside, "no mask here", null, "val");
            Assert.AreEqual(2, writer.RowCount);
            writer.Complete();
        }

        string[] lines = File.ReadAllLines(temp.File("out/data.jsonl"));
        Assert.AreEqual(
            """{"id":"0","image":"images/0.png","mask":"masks/0.png","expression":"café on the left","split":"train","hops":2,"ann_id":[101,107],"template":"attr"}""",
            lines[0]);
        Assert.AreEqual($$"""{"id":"1","image":"{{outside}}","expression":"no mask here","split":"val"}""", lines[1]);

        var rows = ReferringDatasets.ReadJsonl(temp.File("out/data.jsonl"));
        CollectionAssert.AreEqual(mask.Data, rows[0].LoadMask!().Data);
        Assert.AreEqual("[101,107]", rows[0].Extras["ann_id"]);
        Assert.AreEqual(inside, rows[0].ImagePath);
        Assert.IsNull(rows[1].LoadMask);
    }

    [TestMethod]
    public void AbsoluteAndRelativeStylesAreHonoured()
    {
        using var temp = new TempDirectory();
        string image = TestImages.WritePng(temp.File("coco/x.png"), 2, 2);
        using (var writer = new ReferringJsonlWriter(temp.File("rel"), JsonlImagePaths.Relative))
        {
            writer.Write("a", image, "x", null);
            writer.Complete();
        }
        StringAssert.Contains(File.ReadAllText(temp.File("rel/data.jsonl")), "\"image\":\"../coco/x.png\"");
        using (var writer = new ReferringJsonlWriter(temp.File("coco"), JsonlImagePaths.Absolute))
        {
            writer.Write("a", image, "x", null);
            writer.Complete();
        }
        StringAssert.Contains(File.ReadAllText(temp.File("coco/data.jsonl")), $"\"image\":\"{image}\"");
    }

    [TestMethod]
    public void UnfinishedSetLeavesNoRowsFile()
    {
        using var temp = new TempDirectory();
        string image = TestImages.WritePng(temp.File("x.png"), 2, 2);
        using (var writer = new ReferringJsonlWriter(temp.File("out")))
            writer.Write("a", image, "x", null);
        Assert.IsFalse(File.Exists(temp.File("out/data.jsonl")));
        Assert.IsFalse(File.Exists(temp.File("out/data.jsonl.partial")));
    }

    [TestMethod]
    public void IdsMustBeUniqueFileNames()
    {
        using var temp = new TempDirectory();
        string image = TestImages.WritePng(temp.File("x.png"), 2, 2);
        using var writer = new ReferringJsonlWriter(temp.File("out"));
        writer.Write("a", image, "x", null);
        Assert.ThrowsExactly<ArgumentException>(() => writer.Write("a", image, "y", null));
        Assert.ThrowsExactly<ArgumentException>(() => writer.Write("../b", image, "y", null));
        Assert.ThrowsExactly<ArgumentException>(() =>
            writer.Write("c", image, "y", null, extras: new Dictionary<string, JsonNode?> { ["split"] = "x" }));
    }
}
