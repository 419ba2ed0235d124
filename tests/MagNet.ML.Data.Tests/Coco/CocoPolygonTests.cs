namespace MagNet.ML.Tests.Coco;

[TestClass]
public sealed class CocoPolygonTests
{
    // Polygon/RLE pairs produced by pycocotools.mask.frPyObjects, as recorded in the test data of
    // twsl/pytorchcocotools (tests/mask/test_fr_py_objects.py: case_poly_list, case_bbox_tensor, case_complex).

    [TestMethod]
    public void PentagonMatchesPycocotoolsBitForBit()
    {
        var rle = CocoPolygon.ToRle(new double[] { 10, 10, 20, 10, 20, 20, 21, 21, 10, 20 }, 25, 25);
        Assert.AreEqual("T8:?00000000001O00000:F`2", rle.ToCompressedString());
    }

    [TestMethod]
    public void BoxPolygonMatchesPycocotoolsBitForBit()
    {
        // frBbox([10, 10, 10, 10]) rasterises the polygon (xs,ys, xs,ye, xe,ye, xe,ys).
        var rle = CocoPolygon.ToRle(new double[] { 10, 10, 10, 20, 20, 20, 20, 10 }, 25, 25);
        Assert.AreEqual("T8:?00000000000000000c3", rle.ToCompressedString());
        Assert.AreEqual(100L, rle.Area); // the 10×10 pixels x 10..19, y 10..19
    }

    [TestMethod]
    public void RealCocoPolygonsMatchPycocotoolsBitForBit()
    {
        double[] first =
        {
            266.83, 189.37, 267.79, 175.29, 269.46, 170.04, 271.37, 165.98, 270.89, 163.12, 269.12, 159.54, 272.8, 156.44,
            287.36, 156.44, 293.33, 157.87, 296.91, 160.49, 296.91, 161.21, 291.89, 161.92, 289.98, 165.03, 291.42, 169.56,
            285.16, 196.54,
        };
        double[] second = { 266.35, 214.44, 270.41, 217.3, 276.38, 218.97, 282.11, 218.97, 285.93, 217.3, 286.88, 207.28, 267.07, 201.07 };
        Assert.AreEqual(@"\`_3;j<6B@nCc0Q<@kCc0S<;01N10001O001O00001O001O0000O1L4K6K4L4B]COh<O<O001O0O2Omk^4",
            CocoPolygon.ToRle(first, 427, 640).ToCompressedString());
        Assert.AreEqual("RT_32n<<O100O0010O000010O0001O00001O000O101O0ISPc4",
            CocoPolygon.ToRle(second, 427, 640).ToCompressedString());
    }

    [TestMethod]
    public void FixturePolygonsAgreeWithAnIndependentScanlineFill()
    {
        var instances = CocoInstances.Load(Path.Combine(ReferMiniFixture.RootPath, "refcoco", "instances.json"));
        foreach (long id in new long[] { 101, 105, 106, 107 })
        {
            var ann = instances.Annotations[id];
            var image = instances.Images[ann.ImageId];
            var polygons = ann.Segmentation.Polygons!.Select(p => p.ToArray()).ToArray();
            var reference = ScanlineFill.Fill(image.Width, image.Height, polygons);
            double iou = ScanlineFill.IoU(ann.Segmentation.ToMask(image.Height, image.Width), reference);
            Assert.IsGreaterThanOrEqualTo(0.97, iou, $"annotation {id}: IoU {iou}");
        }
    }

    [TestMethod]
    public void IntegerRectanglesCoverExactlyTheirPixels()
    {
        // [20,44) × [2,20) is 24 × 18 = 432 pixels; pixel (43, 19) is the last one inside, (44, 19) and (43, 20) are out.
        var mask = CocoPolygon.ToMask(new double[] { 20, 2, 44, 2, 44, 20, 20, 20 }, 40, 48);
        Assert.AreEqual(432L, mask.Area);
        Assert.IsTrue(mask[20, 2]);
        Assert.IsTrue(mask[43, 19]);
        Assert.IsFalse(mask[44, 19]);
        Assert.IsFalse(mask[43, 20]);
        Assert.IsFalse(mask[19, 2]);
    }

    [TestMethod]
    public void OverlapIsBackgroundUnderReferRuleAndForegroundUnderUnion()
    {
        // Two rectangles: [20,44)×[2,20) = 432 px and [30,46)×[10,38) = 448 px overlap on [30,44)×[10,20) = 140 px.
        var segmentation = CocoSegmentation.FromPolygons(new[]
        {
            new double[] { 20, 2, 44, 2, 44, 20, 20, 20 },
            new double[] { 30, 10, 46, 10, 46, 38, 30, 38 },
        });
        var union = segmentation.ToMask(40, 48, overlapAsBackground: false);
        var refer = segmentation.ToMask(40, 48, overlapAsBackground: true);
        Assert.AreEqual(432L + 448 - 140, union.Area);
        Assert.AreEqual(432L + 448 - 2 * 140, refer.Area);
        Assert.IsTrue(union[35, 15]);
        Assert.IsFalse(refer[35, 15]);
        Assert.IsTrue(refer[25, 5]);
        Assert.IsTrue(refer[40, 30]);
    }

    [TestMethod]
    public void VertexOutsideTheImageIsReported()
    {
        var segmentation = CocoSegmentation.FromPolygons(new[] { new double[] { 1, 1, 60, 1, 30, 20 } });
        var e = Assert.ThrowsExactly<InvalidDataException>(() => segmentation.Validate(40, 48, tolerance: 1));
        StringAssert.Contains(e.Message, "vertex 1");
        segmentation.Validate(40, 64, tolerance: 1); // fits a wider image
    }

    [TestMethod]
    public void OddCoordinateCountIsRejected()
    {
        Assert.ThrowsExactly<InvalidDataException>(() => CocoSegmentation.FromPolygons(new[] { new double[] { 1, 1, 5, 1, 5 } }));
    }
}
