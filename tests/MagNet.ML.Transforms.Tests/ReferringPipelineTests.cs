using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Transforms.Tests;

/// <summary>The three transforms after ML.NET's LoadImages, fitted and read back through CreateEnumerable.</summary>
[TestClass]
public sealed class ReferringPipelineTests
{
    private sealed class Row
    {
        public string Expression { get; set; } = "";

        [VectorType(20)]
        public long[] TokenIds { get; set; } = [];

        [VectorType(20)]
        public long[] AttentionMask { get; set; } = [];

        [VectorType(3, 2, 2)]
        public float[] ImagePixels { get; set; } = [];

        public int ImageWidth { get; set; }

        public int ImageHeight { get; set; }

        [VectorType(4, 4)]
        public float[] MaskPixels { get; set; } = [];
    }

    [TestMethod]
    public void LoadImagesThenTokenizeAndPreprocess()
    {
        var ml = new MLContext(seed: 1);
        using var fixture = new ImageFolderFixture();
        var paths = fixture.Paths(ml, rows: 2);
        var pipeline = ml.Transforms.LoadImages("Image", fixture.Folder, "ImagePath")
            .Append(ml.Transforms.LoadImages("Mask", fixture.Folder, "MaskPath"))
            .Append(ml.Transforms.TokenizeReferringExpression())
            .Append(ml.Transforms.PreprocessReferringImage(imageSize: 2))
            .Append(ml.Transforms.PreprocessReferringMask(imageSize: 4));

        var model = pipeline.Fit(paths);
        var rows = ml.Data.CreateEnumerable<Row>(model.Transform(paths), reuseRowObject: false).ToList();

        Assert.AreEqual(2, rows.Count);
        foreach (var row in rows)
        {
            Assert.AreEqual("man on right", row.Expression);
            CollectionAssert.AreEqual(new long[] { 101, 2158, 2006, 2157, 102, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, row.TokenIds);
            CollectionAssert.AreEqual(new long[] { 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, row.AttentionMask);

            // Hand-worked 4x4 -> 2x2 bytes (ImageTensorizerTests), normalised with ImageNet mean/std in double here.
            int[][] bytes = [[55, 165, 66, 176], [200, 90, 189, 79], [30, 30, 30, 30]];
            double[] mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225];
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < 4; i++)
                    Assert.AreEqual((bytes[c][i] / 255.0 - mean[c]) / std[c], row.ImagePixels[c * 4 + i], 1e-5);
            Assert.AreEqual(4, row.ImageWidth);
            Assert.AreEqual(4, row.ImageHeight);

            // The 3x2 mask 1 0 1 / 0 1 0 through nearest 3x2 -> 4x4 (MaskTensorizerTests).
            CollectionAssert.AreEqual(new float[] { 1, 0, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0 }, row.MaskPixels);
        }
    }
}
