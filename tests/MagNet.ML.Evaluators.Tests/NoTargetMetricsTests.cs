namespace MagNet.ML.Tests;

/// <summary>gRefCOCO's no-target rules (ReLA refer_evaluation.py), worked by hand.</summary>
[TestClass]
public sealed class NoTargetMetricsTests
{
    private const double Tolerance = 1e-12;

    // Four rows of four pixels covering every case of ReLA's table:
    //   R1 targeted,  G = 1100, P = 1000 → TN, I = 1, U = 2, IoU 0.5
    //   R2 targeted,  G = 0110, P = 0000 → FP (predicted no-target), I = 0, U = 2, IoU 0
    //   R3 no-target, G = 0000, P = 0000 → TP, counts IoU 1 for gIoU, adds I = U = 0
    //   R4 no-target, G = 0000, P = 1110 → FN, IoU 0, adds U = 3
    private static ReferringSegmentationMetrics FourCaseMetrics()
    {
        var acc = new ReferringSegmentationAccumulator();
        acc.Add([1, 1, 0, 0], [1, 0, 0, 0]);
        acc.Add([0, 1, 1, 0], [0, 0, 0, 0]);
        acc.Add([0, 0, 0, 0], [0, 0, 0, 0]);
        acc.Add([0, 0, 0, 0], [1, 1, 1, 0]);
        return acc.Metrics;
    }

    [TestMethod]
    public void GeneralizedIoUCreditsCorrectNoTargetRows()
    {
        // gIoU = (0.5 + 0 + 1 + 0) / 4 = 0.375
        Assert.AreEqual(0.375, FourCaseMetrics().GeneralizedIoU!.Value, Tolerance);
    }

    [TestMethod]
    public void CumulativeIoUAddsMissedNoTargetUnion()
    {
        // cIoU = (1 + 0 + 0 + 0) / (2 + 2 + 0 + 3) = 1/7, the same as ΣI/ΣU over all rows.
        var m = FourCaseMetrics();
        Assert.AreEqual(1.0 / 7, m.CumulativeIoU!.Value, Tolerance);
        Assert.AreEqual(1.0 / 7, m.OverallIoU, Tolerance);
    }

    [TestMethod]
    public void AccuraciesCountEmptyPredictions()
    {
        // N-acc = TP/(TP+FN) = 1/2 (R3 right, R4 wrong); T-acc = TN/(TN+FP) = 1/2 (R1 right, R2 wrong).
        var m = FourCaseMetrics();
        Assert.AreEqual(0.5, m.NoTargetAccuracy!.Value, Tolerance);
        Assert.AreEqual(0.5, m.TargetAccuracy!.Value, Tolerance);
        Assert.AreEqual(2L, m.NoTargetCount);
        Assert.IsTrue(m.HasNoTargetRows);
    }

    [TestMethod]
    public void PlainMetricsStillCoverEveryRowWithLavtRules()
    {
        // LAVT over all four rows: IoU = 0.5, 0, 0 (U = 0), 0 → mIoU = 0.125, Prec@0.5 = 1/4, Count 4.
        var m = FourCaseMetrics();
        Assert.AreEqual(4L, m.Count);
        Assert.AreEqual(0.125, m.MeanIoU, Tolerance);
        Assert.AreEqual(0.25, m.PrecisionAt50, Tolerance);
        Assert.AreEqual(0.0, m.PrecisionAt60, Tolerance);
        Assert.AreEqual(1L, m.CumulativeIntersection);
        Assert.AreEqual(7L, m.CumulativeUnion);
    }

    [TestMethod]
    public void PerfectNoTargetAnswersScoreFullMarks()
    {
        // Targeted: G = 0110, P = 0110 → IoU 1 (TN).  Two no-target rows predicted empty (TP).
        // gIoU = (1 + 1 + 1)/3 = 1; cIoU = 2/2 = 1; N-acc = 2/2; T-acc = 1/1.
        var acc = new ReferringSegmentationAccumulator();
        acc.Add([0, 1, 1, 0], [0, 1, 1, 0]);
        acc.Add([0, 0, 0, 0], [0, 0, 0, 0]);
        acc.Add([0, 0, 0, 0], [0, 0, 0, 0]);
        var m = acc.Metrics;
        Assert.AreEqual(1.0, m.GeneralizedIoU!.Value, Tolerance);
        Assert.AreEqual(1.0, m.CumulativeIoU!.Value, Tolerance);
        Assert.AreEqual(1.0, m.NoTargetAccuracy!.Value, Tolerance);
        Assert.AreEqual(1.0, m.TargetAccuracy!.Value, Tolerance);
        // LAVT's mIoU scores the two empty rows 0: (1 + 0 + 0)/3.
        Assert.AreEqual(1.0 / 3, m.MeanIoU, Tolerance);
    }

    [TestMethod]
    public void TableShowsTheGRefCocoBlock()
    {
        string table = FourCaseMetrics().ToString();
        // gIoU 37.50, cIoU 100/7 = 14.29, N-acc 50.00, T-acc 50.00.
        StringAssert.Contains(table, "No-target rows: 2 of 4");
        StringAssert.Contains(table, "gIoU         37.50");
        StringAssert.Contains(table, "cIoU         14.29");
        StringAssert.Contains(table, "N-acc        50.00");
        StringAssert.Contains(table, "T-acc        50.00");
    }

    [TestMethod]
    public void GroupWithoutNoTargetRowsHasNoGRefCocoPart()
    {
        var acc = new ReferringSegmentationAccumulator();
        acc.Add([1, 1], [1, 0], group: "targets");
        acc.Add([0, 0], [0, 0], group: "empty");
        var m = acc.Metrics;
        Assert.IsTrue(m.HasNoTargetRows);
        Assert.IsNull(m.Groups["targets"].GeneralizedIoU);
        Assert.AreEqual(1.0, m.Groups["empty"].GeneralizedIoU);
    }
}
