namespace MagNet.ML.Tests;

[TestClass]
public sealed class ReferringSegmentationAccumulatorTests
{
    private const double Tolerance = 1e-12;

    // Three rows of eight pixels, worked by hand:
    //   A: G = 11110000, P = 11001000 → I = 2, U = 5, IoU = 0.4
    //   B: G = 00111100, P = 00111110 → I = 4, U = 5, IoU = 0.8
    //   C: G = 10000000, P = 10000000 → I = 1, U = 1, IoU = 1.0
    // ΣI = 7, ΣU = 11 → oIoU = 7/11; mIoU = (0.4 + 0.8 + 1.0)/3 = 2.2/3.
    // IoU ≥ 0.5, 0.6, 0.7, 0.8: B and C → 2/3 (B sits exactly on 0.8); IoU ≥ 0.9: only C → 1/3.
    private static readonly (byte[] Gt, byte[] Pred)[] HandRows =
    [
        ([1, 1, 1, 1, 0, 0, 0, 0], [1, 1, 0, 0, 1, 0, 0, 0]),
        ([0, 0, 1, 1, 1, 1, 0, 0], [0, 0, 1, 1, 1, 1, 1, 0]),
        ([1, 0, 0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0, 0, 0]),
    ];

    [TestMethod]
    public void HandWorkedRowsGiveHandWorkedMetrics()
    {
        var acc = new ReferringSegmentationAccumulator();
        foreach (var (gt, pred) in HandRows) acc.Add(gt, pred);
        var m = acc.Metrics;

        Assert.AreEqual(3L, m.Count);
        Assert.AreEqual(7L, m.CumulativeIntersection);
        Assert.AreEqual(11L, m.CumulativeUnion);
        Assert.AreEqual(7.0 / 11.0, m.OverallIoU, Tolerance);
        Assert.AreEqual(2.2 / 3.0, m.MeanIoU, Tolerance);
        Assert.AreEqual(2.0 / 3.0, m.PrecisionAt50, Tolerance);
        Assert.AreEqual(2.0 / 3.0, m.PrecisionAt60, Tolerance);
        Assert.AreEqual(2.0 / 3.0, m.PrecisionAt70, Tolerance);
        Assert.AreEqual(2.0 / 3.0, m.PrecisionAt80, Tolerance);
        Assert.AreEqual(1.0 / 3.0, m.PrecisionAt90, Tolerance);
        CollectionAssert.AreEqual(new[] { 0.5, 0.6, 0.7, 0.8, 0.9 }, m.PrecisionAt.Keys.Order().ToArray());
        Assert.AreEqual(0L, m.NoTargetCount);
        Assert.IsFalse(m.HasNoTargetRows);
        Assert.IsNull(m.GeneralizedIoU);
        Assert.IsNull(m.CumulativeIoU);
        Assert.IsNull(m.NoTargetAccuracy);
        Assert.IsNull(m.TargetAccuracy);
        Assert.AreEqual(0, m.Groups.Count);
    }

    [TestMethod]
    public void AnyNonZeroByteIsForeground()
    {
        // Row A of the hand case with 255/7 in place of 1: I = 2, U = 5.
        var acc = new ReferringSegmentationAccumulator();
        acc.Add([255, 7, 1, 200, 0, 0, 0, 0], [9, 255, 0, 0, 3, 0, 0, 0]);
        Assert.AreEqual(2L, acc.Metrics.CumulativeIntersection);
        Assert.AreEqual(5L, acc.Metrics.CumulativeUnion);
    }

    [TestMethod]
    public void PrecisionCountsIoUExactlyAtTheThreshold()
    {
        // IoU = I/U exactly on each threshold: 1/2, 3/5, 7/10, 4/5, 9/10 — each must count at its own threshold (≥),
        // plus one row just below 0.7 (69 999/100 000) that counts at 0.5 and 0.6 only.
        var acc = new ReferringSegmentationAccumulator();
        acc.AddCounts(intersection: 1, groundTruthArea: 2, predictedArea: 1);   // U = 2, IoU 0.5
        acc.AddCounts(intersection: 3, groundTruthArea: 5, predictedArea: 3);   // U = 5, IoU 0.6
        acc.AddCounts(intersection: 7, groundTruthArea: 7, predictedArea: 10);  // U = 10, IoU 0.7
        acc.AddCounts(intersection: 4, groundTruthArea: 5, predictedArea: 4);   // U = 5, IoU 0.8
        acc.AddCounts(intersection: 9, groundTruthArea: 10, predictedArea: 9);  // U = 10, IoU 0.9
        acc.AddCounts(intersection: 69_999, groundTruthArea: 100_000, predictedArea: 69_999);  // IoU 0.69999
        var m = acc.Metrics;
        // Rows at or above: 0.5 → all 6; 0.6 → 5 (not 0.5); 0.7 → 3 (0.7, 0.8, 0.9); 0.8 → 2; 0.9 → 1.
        Assert.AreEqual(6.0 / 6, m.PrecisionAt50, Tolerance);
        Assert.AreEqual(5.0 / 6, m.PrecisionAt60, Tolerance);
        Assert.AreEqual(3.0 / 6, m.PrecisionAt70, Tolerance);
        Assert.AreEqual(2.0 / 6, m.PrecisionAt80, Tolerance);
        Assert.AreEqual(1.0 / 6, m.PrecisionAt90, Tolerance);
    }

    [TestMethod]
    public void EmptyUnionScoresZeroUnderLavtRuleAndOneUnderGRefCocoRule()
    {
        // Row 1: G = 1100, P = 1000 → I = 1, U = 2, IoU 0.5.  Row 2: G = P = 0000 → U = 0.
        // LAVT: IoU_2 = 0 → mIoU = (0.5 + 0)/2 = 0.25, Prec@0.5 = 1/2, oIoU = 1/2.
        // gRefCOCO: row 2 is a correct no-target row → gIoU = (0.5 + 1)/2 = 0.75.
        var acc = new ReferringSegmentationAccumulator(keepSamples: true);
        acc.Add([1, 1, 0, 0], [1, 0, 0, 0]);
        acc.Add([0, 0, 0, 0], [0, 0, 0, 0]);
        var m = acc.Metrics;
        Assert.AreEqual(2L, m.Count);
        Assert.AreEqual(0.25, m.MeanIoU, Tolerance);
        Assert.AreEqual(0.5, m.PrecisionAt50, Tolerance);
        Assert.AreEqual(0.5, m.OverallIoU, Tolerance);
        Assert.AreEqual(0.75, m.GeneralizedIoU!.Value, Tolerance);
        Assert.AreEqual(0.0, acc.Samples![1].IoU);
        Assert.AreEqual(1.0, acc.Samples[1].GeneralizedIoU);
    }

    [TestMethod]
    public void OnlyEmptyUnionsGiveUndefinedOverallIoU()
    {
        // One row, both masks empty: ΣU = 0 → oIoU and cIoU undefined (NaN); mIoU = 0 (LAVT); gIoU = 1, N-acc = 1;
        // no targeted rows → T-acc undefined.
        var acc = new ReferringSegmentationAccumulator();
        acc.Add([0, 0], [0, 0]);
        var m = acc.Metrics;
        Assert.IsTrue(double.IsNaN(m.OverallIoU));
        Assert.AreEqual(0.0, m.MeanIoU);
        Assert.AreEqual(0.0, m.PrecisionAt50);
        Assert.AreEqual(1.0, m.GeneralizedIoU);
        Assert.IsTrue(double.IsNaN(m.CumulativeIoU!.Value));
        Assert.AreEqual(1.0, m.NoTargetAccuracy);
        Assert.IsTrue(double.IsNaN(m.TargetAccuracy!.Value));
    }

    [TestMethod]
    public void ExtraThresholdsAreReportedBesideTheStandardOnes()
    {
        // IoUs 0.4, 0.8, 1.0 (the hand case): ≥ 0.25 → 3/3, ≥ 0.95 → 1/3.
        var acc = new ReferringSegmentationAccumulator(thresholds: [0.25, 0.95]);
        foreach (var (gt, pred) in HandRows) acc.Add(gt, pred);
        var m = acc.Metrics;
        CollectionAssert.AreEqual(new[] { 0.25, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95 }, acc.Thresholds.ToArray());
        Assert.AreEqual(1.0, m.PrecisionAt[0.25], Tolerance);
        Assert.AreEqual(1.0 / 3, m.PrecisionAt[0.95], Tolerance);
        Assert.AreEqual(2.0 / 3, m.PrecisionAt50, Tolerance);
    }

    [TestMethod]
    public void ThresholdOutsideUnitIntervalIsRejected()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ReferringSegmentationAccumulator(thresholds: [1.5]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ReferringSegmentationAccumulator(thresholds: [double.NaN]));
    }

    [TestMethod]
    public void GroupsGetTheirOwnMetrics()
    {
        // Group "a": rows A (I 2, U 5) and C (I 1, U 1) → oIoU 3/6, mIoU (0.4 + 1)/2 = 0.7.
        // Group "b": row B (I 4, U 5) → oIoU 0.8.  A fourth row without group counts only overall:
        // G = 11000000, P = 00000000 → I 0, U 2 → overall ΣI = 7, ΣU = 13.
        var acc = new ReferringSegmentationAccumulator();
        acc.Add(HandRows[0].Gt, HandRows[0].Pred, group: "a");
        acc.Add(HandRows[1].Gt, HandRows[1].Pred, group: "b");
        acc.Add(HandRows[2].Gt, HandRows[2].Pred, group: "a");
        acc.Add([1, 1, 0, 0, 0, 0, 0, 0], new byte[8]);
        var m = acc.Metrics;
        Assert.AreEqual(4L, m.Count);
        Assert.AreEqual(7.0 / 13, m.OverallIoU, Tolerance);
        Assert.AreEqual(2, m.Groups.Count);
        Assert.AreEqual(2L, m.Groups["a"].Count);
        Assert.AreEqual(0.5, m.Groups["a"].OverallIoU, Tolerance);
        Assert.AreEqual(0.7, m.Groups["a"].MeanIoU, Tolerance);
        Assert.AreEqual(1L, m.Groups["b"].Count);
        Assert.AreEqual(0.8, m.Groups["b"].OverallIoU, Tolerance);
        Assert.AreEqual(1.0, m.Groups["b"].PrecisionAt80);
        Assert.AreEqual(0.0, m.Groups["b"].PrecisionAt90);
        Assert.AreEqual(0.5, acc.MetricsByGroup["a"].OverallIoU, Tolerance);
    }

    [TestMethod]
    public void SamplesKeepIdsAndCounts()
    {
        var acc = new ReferringSegmentationAccumulator(keepSamples: true);
        acc.Add(HandRows[0].Gt, HandRows[0].Pred, id: "first");
        acc.Add(HandRows[1].Gt, HandRows[1].Pred, group: "g", id: "second");
        var s = acc.Samples!;
        Assert.AreEqual(2, s.Count);
        Assert.AreEqual("first", s[0].Id);
        Assert.AreEqual(0L, s[0].Index);
        Assert.AreEqual(2L, s[0].Intersection);
        Assert.AreEqual(5L, s[0].Union);
        Assert.AreEqual(4L, s[0].GroundTruthArea);
        Assert.AreEqual(3L, s[0].PredictedArea);
        Assert.AreEqual(0.4, s[0].IoU, Tolerance);
        Assert.AreEqual("g", s[1].Group);
        Assert.AreEqual(1L, s[1].Index);
        Assert.IsNull(new ReferringSegmentationAccumulator().Samples);
    }

    [TestMethod]
    public void MasksOfDifferentLengthAreRejected()
    {
        var acc = new ReferringSegmentationAccumulator();
        var e = Assert.ThrowsExactly<ArgumentException>(() => acc.Add([1, 0, 0], [1, 0], id: "img7.png"));
        StringAssert.Contains(e.Message, "img7.png");
        Assert.AreEqual(0L, acc.Count);
    }

    [TestMethod]
    public void InconsistentCountsAreRejected()
    {
        var acc = new ReferringSegmentationAccumulator();
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => acc.AddCounts(3, 2, 5));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => acc.AddCounts(-1, 2, 5));
    }

    [TestMethod]
    public void MetricsOfNoRowsAreRefused()
    {
        Assert.ThrowsExactly<InvalidOperationException>(() => _ = new ReferringSegmentationAccumulator().Metrics);
    }

    [TestMethod]
    public void TablePrintsPercentages()
    {
        var acc = new ReferringSegmentationAccumulator();
        foreach (var (gt, pred) in HandRows) acc.Add(gt, pred, group: "fam");
        string table = acc.Metrics.ToString();
        // 100·7/11 = 63.636… → 63.64; 100·2.2/3 = 73.333… → 73.33; Prec@0.9 = 100/3 → 33.33.
        StringAssert.Contains(table, "oIoU         63.64");
        StringAssert.Contains(table, "mIoU         73.33");
        StringAssert.Contains(table, "Prec@0.9     33.33");
        StringAssert.Contains(table, "fam");
        Assert.IsFalse(table.Contains("gIoU"), "no no-target rows, so no gRefCOCO block");
    }
}
