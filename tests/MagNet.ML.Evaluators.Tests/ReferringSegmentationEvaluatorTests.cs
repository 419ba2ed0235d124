using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace MagNet.ML.Tests;

[TestClass]
public sealed class ReferringSegmentationEvaluatorTests
{
    private const double Tolerance = 1e-12;

    // The hand case of ReferringSegmentationAccumulatorTests laid out as 4×2 images (row-major):
    //   A: I = 2, U = 5 (IoU 0.4);  B: I = 4, U = 5 (IoU 0.8);  C: I = 1, U = 1 (IoU 1.0)
    //   → oIoU = 7/11, mIoU = 2.2/3, Prec@0.5 = 2/3, Prec@0.9 = 1/3.
    private static readonly (byte[] Gt, byte[] Pred)[] HandRows =
    [
        ([1, 1, 1, 1, 0, 0, 0, 0], [1, 1, 0, 0, 1, 0, 0, 0]),
        ([0, 0, 1, 1, 1, 1, 0, 0], [0, 0, 1, 1, 1, 1, 1, 0]),
        ([1, 0, 0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0, 0, 0]),
    ];

    private sealed class ImageRow
    {
        [ImageType(2, 4)] public MLImage Mask { get; set; } = null!;
        [ImageType(2, 4)] public MLImage PredictedMask { get; set; } = null!;
        public string Family { get; set; } = "";
    }

    private sealed class VectorRow
    {
        [VectorType] public byte[] Mask { get; set; } = [];
        [VectorType] public float[] PredictedMask { get; set; } = [];
        [VectorType] public bool[] PredictedFlags { get; set; } = [];
        public string Name { get; set; } = "";
    }

    private sealed class MixedRow
    {
        [ImageType(2, 4)] public MLImage Mask { get; set; } = null!;
        [VectorType] public byte[] PredictedMask { get; set; } = [];
    }

    private sealed class WrongTypeRow
    {
        public string Mask { get; set; } = "";
        [VectorType] public int[] PredictedMask { get; set; } = [];
    }

    /// <summary>
    /// A BGRA image whose foreground pixels have only one non-zero colour channel, cycling B, G, R with small values,
    /// and whose background pixels have only alpha set: foreground must be "any colour channel non-zero".
    /// </summary>
    private static MLImage Image(byte[] mask, int width, int height)
    {
        var bgra = new byte[mask.Length * 4];
        for (int i = 0; i < mask.Length; i++)
        {
            bgra[4 * i + 3] = 255;
            if (mask[i] != 0) bgra[4 * i + i % 3] = (byte)(1 + i);
        }
        return MLImage.CreateFromPixels(width, height, MLPixelFormat.Bgra32, bgra);
    }

    private static void AssertHandMetrics(ReferringSegmentationMetrics m)
    {
        Assert.AreEqual(3L, m.Count);
        Assert.AreEqual(7L, m.CumulativeIntersection);
        Assert.AreEqual(11L, m.CumulativeUnion);
        Assert.AreEqual(7.0 / 11, m.OverallIoU, Tolerance);
        Assert.AreEqual(2.2 / 3, m.MeanIoU, Tolerance);
        Assert.AreEqual(2.0 / 3, m.PrecisionAt50, Tolerance);
        Assert.AreEqual(2.0 / 3, m.PrecisionAt80, Tolerance);
        Assert.AreEqual(1.0 / 3, m.PrecisionAt90, Tolerance);
    }

    [TestMethod]
    public void ImageColumnsGiveHandWorkedMetrics()
    {
        var ml = new MLContext(seed: 1);
        var rows = HandRows.Select((r, i) => new ImageRow
        {
            Mask = Image(r.Gt, 4, 2), PredictedMask = Image(r.Pred, 4, 2), Family = i == 1 ? "b" : "a",
        }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        Assert.IsInstanceOfType<ImageDataViewType>(data.Schema["Mask"].Type);

        AssertHandMetrics(ml.Transforms.EvaluateReferringSegmentation(data));
        AssertHandMetrics(new ReferringSegmentationEvaluator().Evaluate(data));

        // Groups: "a" = rows A and C → ΣI/ΣU = 3/6; "b" = row B → 4/5.
        var grouped = ml.Transforms.EvaluateReferringSegmentation(data, groupColumnName: "Family");
        Assert.AreEqual(0.5, grouped.Groups["a"].OverallIoU, Tolerance);
        Assert.AreEqual(0.8, grouped.Groups["b"].OverallIoU, Tolerance);
        foreach (var r in rows) { r.Mask.Dispose(); r.PredictedMask.Dispose(); }
    }

    private sealed class PathRow
    {
        public string MaskPath { get; set; } = "";
        public string PredictedPath { get; set; } = "";
    }

    [TestMethod]
    public void ImagesLoadedFromPngFilesGiveHandWorkedMetrics()
    {
        // The realistic path: masks saved as PNG, loaded by ML.NET's LoadImages (an image column of unknown size).
        string folder = Path.Combine(Path.GetTempPath(), $"magnet-eval-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var rows = new List<PathRow>();
            for (int i = 0; i < HandRows.Length; i++)
            {
                using (var gt = Image(HandRows[i].Gt, 4, 2)) gt.Save(Path.Combine(folder, $"gt{i}.png"));
                using (var pred = Image(HandRows[i].Pred, 4, 2)) pred.Save(Path.Combine(folder, $"pred{i}.png"));
                rows.Add(new PathRow { MaskPath = $"gt{i}.png", PredictedPath = $"pred{i}.png" });
            }
            var ml = new MLContext(seed: 1);
            var data = ml.Transforms.LoadImages("Mask", folder, "MaskPath")
                .Append(ml.Transforms.LoadImages("PredictedMask", folder, "PredictedPath"))
                .Fit(ml.Data.LoadFromEnumerable(rows))
                .Transform(ml.Data.LoadFromEnumerable(rows));
            AssertHandMetrics(ml.Transforms.EvaluateReferringSegmentation(data));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [TestMethod]
    public void VectorColumnsGiveHandWorkedMetrics()
    {
        // Byte label (non-zero = fg, using 255); Single prediction: fg written as 0.9, bg as 0.5 (not > 0.5) or 0.2;
        // Boolean prediction: the same masks as true/false.
        var rows = HandRows.Select((r, i) => new VectorRow
        {
            Mask = r.Gt.Select(b => b == 0 ? (byte)0 : (byte)255).ToArray(),
            PredictedMask = r.Pred.Select((b, j) => b != 0 ? 0.9f : (j % 2 == 0 ? 0.5f : 0.2f)).ToArray(),
            PredictedFlags = r.Pred.Select(b => b != 0).ToArray(),
            Name = $"row{i}",
        }).ToList();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows);

        AssertHandMetrics(ml.Transforms.EvaluateReferringSegmentation(data));
        AssertHandMetrics(ml.Transforms.EvaluateReferringSegmentation(data, predictedMaskColumnName: "PredictedFlags"));

        var acc = new ReferringSegmentationAccumulator(keepSamples: true);
        new ReferringSegmentationEvaluator(idColumnName: "Name").Accumulate(data, acc);
        CollectionAssert.AreEqual(new[] { "row0", "row1", "row2" }, acc.Samples!.Select(s => s.Id).ToArray());
        Assert.IsNotNull(acc.Samples);
        Assert.AreEqual(0.8, acc.Samples[1].IoU, Tolerance);
    }

    private sealed class SparseRow
    {
        [VectorType(8)] public VBuffer<float> Mask { get; set; }
        [VectorType(8)] public byte[] PredictedMask { get; set; } = [];
    }

    [TestMethod]
    public void SparseVectorsReadAbsentEntriesAsBackground()
    {
        // Row A of the hand case with a sparse Single label: G = 11110000 stored as indices 0..3 = 1.0 plus an
        // explicit 0.3 at index 6 (background, not > 0.5). P = 11001000 → I = 2, U = 5.
        var rows = new[]
        {
            new SparseRow
            {
                Mask = new VBuffer<float>(8, 5, [1f, 1f, 1f, 1f, 0.3f], [0, 1, 2, 3, 6]),
                PredictedMask = HandRows[0].Pred,
            },
        };
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows);
        Assert.IsFalse(data.GetColumn<VBuffer<float>>("Mask").First().IsDense, "the label must reach the evaluator sparse");
        var m = ml.Transforms.EvaluateReferringSegmentation(data);
        Assert.AreEqual(2L, m.CumulativeIntersection);
        Assert.AreEqual(5L, m.CumulativeUnion);
    }

    [TestMethod]
    public void ImageLabelWithVectorPredictionIsComparedPixelByPixel()
    {
        var ml = new MLContext(seed: 1);
        var rows = HandRows.Select(r => new MixedRow { Mask = Image(r.Gt, 4, 2), PredictedMask = r.Pred }).ToList();
        AssertHandMetrics(ml.Transforms.EvaluateReferringSegmentation(ml.Data.LoadFromEnumerable(rows)));
    }

    [TestMethod]
    public void VectorLengthMustMatchImageSize()
    {
        var ml = new MLContext(seed: 1);
        var rows = new List<MixedRow>
        {
            new() { Mask = Image(HandRows[0].Gt, 4, 2), PredictedMask = HandRows[0].Pred },
            new() { Mask = Image(HandRows[1].Gt, 4, 2), PredictedMask = [1, 0, 1] },
        };
        var e = Assert.ThrowsExactly<InvalidDataException>(
            () => ml.Transforms.EvaluateReferringSegmentation(ml.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(e.Message, "Row 1");
        StringAssert.Contains(e.Message, "'PredictedMask' has 3 values");
        StringAssert.Contains(e.Message, "4×2 = 8 pixels");
    }

    [TestMethod]
    public void ImagesOfDifferentSizeAreRejected()
    {
        var ml = new MLContext(seed: 1);
        var rows = new List<ImageRow>
        {
            new() { Mask = Image(new byte[8], 4, 2), PredictedMask = Image(new byte[6], 3, 2) },
        };
        var e = Assert.ThrowsExactly<InvalidDataException>(
            () => ml.Transforms.EvaluateReferringSegmentation(ml.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(e.Message, "Row 0");
        StringAssert.Contains(e.Message, "4×2");
        StringAssert.Contains(e.Message, "3×2");
    }

    [TestMethod]
    public void MissingColumnIsNamed()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new VectorRow { Mask = [1], PredictedMask = [1], PredictedFlags = [true] } });
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => ml.Transforms.EvaluateReferringSegmentation(data, labelColumnName: "GroundTruth"));
        StringAssert.Contains(e.Message, "'GroundTruth'");
        StringAssert.Contains(e.Message, "'PredictedFlags'");  // lists the columns present
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => ml.Transforms.EvaluateReferringSegmentation(data, groupColumnName: "Family"));
    }

    [TestMethod]
    public void WrongColumnTypesAreNamed()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new WrongTypeRow { Mask = "x", PredictedMask = [1] } });
        var label = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.EvaluateReferringSegmentation(data));
        StringAssert.Contains(label.Message, "label column 'Mask'");
        StringAssert.Contains(label.Message, "String");

        var vectors = ml.Data.LoadFromEnumerable(new[] { new VectorRow { Mask = [1], PredictedMask = [1], PredictedFlags = [true] } });
        var group = Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => ml.Transforms.EvaluateReferringSegmentation(vectors, groupColumnName: "PredictedFlags"));
        StringAssert.Contains(group.Message, "must be text");

        var both = ml.Data.LoadFromEnumerable(new[] { new WrongTypeRow { Mask = "x", PredictedMask = [1] } });
        var pred = Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => ml.Transforms.EvaluateReferringSegmentation(both, labelColumnName: "PredictedMask", predictedMaskColumnName: "PredictedMask"));
        StringAssert.Contains(pred.Message, "Int32");
    }

    [TestMethod]
    public void EmptyDataIsRefused()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new List<VectorRow>());
        Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.EvaluateReferringSegmentation(data));
    }
}
