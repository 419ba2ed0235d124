namespace MagNet.ML.Tests.Coco;

[TestClass]
public sealed class CocoRleTests
{
    // Reference pair produced by pycocotools (frPyObjects of an uncompressed RLE, 25×25), as recorded in the
    // test data of twsl/pytorchcocotools (tests/mask/test_fr_py_objects.py, case_uncompr).
    private static readonly long[] PycocotoolsCounts = { 130, 5, 20, 5, 20, 5, 20, 5, 20, 5, 390 };
    private const string PycocotoolsString = "R45d00000000b;";

    [TestMethod]
    public void CompressedStringMatchesPycocotools()
    {
        var rle = new CocoRle(25, 25, PycocotoolsCounts);
        Assert.AreEqual(PycocotoolsString, rle.ToCompressedString());
        CollectionAssert.AreEqual(PycocotoolsCounts, CocoRle.FromCompressedString(PycocotoolsString, 25, 25).Counts.ToArray());
    }

    [TestMethod]
    public void PycocotoolsBlockDecodesToAFiveByFiveSquare()
    {
        // 130 background pixels = 5 full columns of 25, then 5 runs of 5 at rows 5..9: a square x 5..9, y 5..9.
        var mask = new CocoRle(25, 25, PycocotoolsCounts).Decode();
        Assert.AreEqual(25L, mask.Area);
        for (int y = 0; y < 25; y++)
            for (int x = 0; x < 25; x++)
                Assert.AreEqual(x is >= 5 and <= 9 && y is >= 5 and <= 9, mask[x, y], $"pixel ({x},{y})");
    }

    [TestMethod]
    public void DecodeWalksColumnsFirst()
    {
        // h=2, w=3: column-major order is (0,0) (0,1) (1,0) (1,1) (2,0) (2,1); counts 1 bg, 2 fg, 3 bg.
        var mask = new CocoRle(2, 3, new long[] { 1, 2, 3 }).Decode();
        CollectionAssert.AreEqual(new byte[] { 0, 1, 0, 1, 0, 0 }, mask.Data); // row-major: y0 = 0 1 0, y1 = 1 0 0
    }

    [TestMethod]
    public void EncodeStartsWithAnEmptyBackgroundRunWhenTheFirstPixelIsForeground()
    {
        var mask = new BinaryMask(2, 2, new byte[] { 1, 0, 1, 1 }); // column 0 = 1,1; column 1 = 0,1
        CollectionAssert.AreEqual(new long[] { 0, 2, 1, 1 }, CocoRle.Encode(mask).Counts.ToArray());
    }

    [TestMethod]
    public void StringFormRoundTripsLargeCountsAndNegativeDeltas()
    {
        long[] counts = { 0, 70000, 3, 1, 69990, 4, 2, 1000, 10 };
        long total = counts.Sum();
        var rle = new CocoRle(1, (int)total, counts);
        var back = CocoRle.FromCompressedString(rle.ToCompressedString(), 1, (int)total);
        CollectionAssert.AreEqual(counts, back.Counts.ToArray());
    }

    [TestMethod]
    public void FixtureRlesDecodeToTheirGeometricMasks()
    {
        // Annotation 103 stores uncompressed counts, 104 COCO's string; both were made by a separate Python
        // encoder, and expected/*.png were drawn from the shapes' definitions, not by decoding.
        var instances = CocoInstances.Load(Path.Combine(ReferMiniFixture.RootPath, "refcoco", "instances.json"));
        foreach (long id in new long[] { 103, 104 })
        {
            var expected = BinaryMask.LoadImage(ReferMiniFixture.Expected($"ann{id}.png"));
            var mask = instances.Annotations[id].Segmentation.ToMask(32, 40);
            CollectionAssert.AreEqual(expected.Data, mask.Data, $"annotation {id}");
        }
        // A disc of radius 6: 113 pixels with (x-28)^2 + (y-10)^2 <= 36, counted by hand from the circle's rows.
        Assert.AreEqual(113L, instances.Annotations[104].Segmentation.ToMask(32, 40).Area);
    }

    [TestMethod]
    public void CountsThatDoNotFillTheMaskAreRejected()
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() => new CocoRle(4, 4, new long[] { 3, 2 }));
        StringAssert.Contains(e.Message, "16");
    }

    [TestMethod]
    public void CharactersOutsideCocosAlphabetAreRejected()
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() => CocoRle.FromCompressedString("R4~", 25, 25));
        StringAssert.Contains(e.Message, "'~'");
    }

    [TestMethod]
    public void TruncatedStringIsRejected()
    {
        // 'h' = 48 + 56: continuation bit set, and nothing follows.
        Assert.ThrowsExactly<InvalidDataException>(() => CocoRle.FromCompressedString("h", 25, 25));
    }
}
