using System.Globalization;
using System.Text.Json;
using SkiaSharp;

namespace MagNet.Cli.Tests;

[TestClass]
public sealed class EvaluateCommandTests
{
    private string _root = "";

    [TestInitialize]
    public void CreateFolder()
    {
        _root = Path.Combine(Path.GetTempPath(), $"magnet-evaluate-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_root);
    }

    [TestCleanup]
    public void DeleteFolder() => Directory.Delete(_root, recursive: true);

    private string Gt => Path.Combine(_root, "gt");
    private string Pred => Path.Combine(_root, "pred");

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliRunner.Run(Program.BuildRootCommand(), args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Writes a mask PNG with SkiaSharp directly: background opaque black, each foreground pixel an opaque colour with
    /// one random non-zero channel (so "any non-zero channel = foreground" is what is being read back).
    /// </summary>
    private static void WritePng(string path, bool[] mask, int width, int height, Random random)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(width, height, SKColorType.Bgra8888, SKAlphaType.Opaque);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                byte v = (byte)random.Next(1, 256);
                int channel = random.Next(3);
                var colour = !mask[y * width + x] ? new SKColor(0, 0, 0)
                    : channel == 0 ? new SKColor(v, 0, 0) : channel == 1 ? new SKColor(0, v, 0) : new SKColor(0, 0, v);
                bitmap.SetPixel(x, y, colour);
            }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        data.SaveTo(file);
    }

    private static bool[] Pixels(string bits) => bits.Select(c => c == '1').ToArray();

    [TestMethod]
    public void RandomMasksMatchAnIndependentComputation()
    {
        var random = new Random(20240612);
        var names = new[] { "a.png", "b.png", "sub/c.png", "sub/deeper/d.png", "e.png", "f.png", "g.png", "h.png" };
        var intersections = new List<long>();
        var unions = new List<long>();
        foreach (string name in names)
        {
            int width = random.Next(3, 17), height = random.Next(3, 13);
            double density = random.NextDouble();
            var truth = new bool[width * height];
            var predicted = new bool[width * height];
            for (int i = 0; i < truth.Length; i++)
            {
                truth[i] = random.NextDouble() < density;
                // The prediction agrees with the ground truth on most pixels and flips the rest.
                predicted[i] = random.NextDouble() < 0.8 ? truth[i] : !truth[i];
            }
            truth[random.Next(truth.Length)] = true;  // every row has a target
            WritePng(Path.Combine(Gt, name), truth, width, height, random);
            WritePng(Path.Combine(Pred, name), predicted, width, height, random);

            long inter = 0, union = 0;
            for (int i = 0; i < truth.Length; i++)
            {
                if (truth[i] && predicted[i]) inter++;
                if (truth[i] || predicted[i]) union++;
            }
            intersections.Add(inter);
            unions.Add(union);
        }
        File.WriteAllText(Path.Combine(Gt, "notes.txt"), "not a mask; ignored");

        // Independent computation: LAVT's formulas as plain loops over the arrays written above.
        int n = names.Length;
        double overall = (double)intersections.Sum() / unions.Sum();
        var perSample = Enumerable.Range(0, n).Select(s => unions[s] == 0 ? 0.0 : (double)intersections[s] / unions[s]).ToArray();
        double mean = perSample.Sum() / n;
        var thresholds = new[] { 0.5, 0.6, 0.7, 0.8, 0.9 };
        var precision = thresholds.Select(t => (double)perSample.Count(iou => iou >= t) / n).ToArray();

        string json = Path.Combine(_root, "out", "metrics.json");
        var (code, output, error) = Run("evaluate", "--gt", Gt, "--pred", Pred, "--json", json);
        Assert.AreEqual(0, code, error);

        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var r = doc.RootElement;
        Assert.AreEqual(n, r.GetProperty("count").GetInt64());
        Assert.AreEqual(intersections.Sum(), r.GetProperty("cumI").GetInt64());
        Assert.AreEqual(unions.Sum(), r.GetProperty("cumU").GetInt64());
        Assert.AreEqual(overall, r.GetProperty("oIoU").GetDouble(), 1e-9);
        Assert.AreEqual(mean, r.GetProperty("mIoU").GetDouble(), 1e-9);
        var p = r.GetProperty("precision");
        CollectionAssert.AreEqual(new[] { "0.5", "0.6", "0.7", "0.8", "0.9" }, p.EnumerateObject().Select(x => x.Name).ToArray());
        for (int k = 0; k < thresholds.Length; k++)
            Assert.AreEqual(precision[k], p.GetProperty(thresholds[k].ToString(CultureInfo.InvariantCulture)).GetDouble(), 1e-9);
        Assert.IsFalse(r.TryGetProperty("gIoU", out _), "no empty ground truth, so no gRefCOCO fields");

        // The table prints the same numbers ×100.
        StringAssert.Contains(output, $"{n} samples");
        StringAssert.Contains(output, (100 * overall).ToString("F2", CultureInfo.InvariantCulture));
        StringAssert.Contains(output, (100 * mean).ToString("F2", CultureInfo.InvariantCulture));
    }

    [TestMethod]
    public void NoTargetRowsAddGRefCocoFields()
    {
        // 2×2 masks, worked by hand:
        //   t.png  G = 1100, P = 1000 → I 1, U 2 (targeted, predicted non-empty: TN)
        //   n1.png G = 0000, P = 0000 → I 0, U 0 (no-target, predicted empty: TP; gIoU 1)
        //   n2.png G = 0000, P = 0110 → I 0, U 2 (no-target, predicted non-empty: FN)
        // oIoU = cIoU = 1/4; mIoU = (0.5 + 0 + 0)/3 = 1/6; gIoU = (0.5 + 1 + 0)/3 = 0.5; N-acc = 1/2; T-acc = 1/1.
        var random = new Random(1);
        WritePng(Path.Combine(Gt, "t.png"), Pixels("1100"), 2, 2, random);
        WritePng(Path.Combine(Pred, "t.png"), Pixels("1000"), 2, 2, random);
        WritePng(Path.Combine(Gt, "n1.png"), Pixels("0000"), 2, 2, random);
        WritePng(Path.Combine(Pred, "n1.png"), Pixels("0000"), 2, 2, random);
        WritePng(Path.Combine(Gt, "n2.png"), Pixels("0000"), 2, 2, random);
        WritePng(Path.Combine(Pred, "n2.png"), Pixels("0110"), 2, 2, random);
        string json = Path.Combine(_root, "m.json");

        var (code, output, error) = Run("evaluate", "--gt", Gt, "--pred", Pred, "--json", json);
        Assert.AreEqual(0, code, error);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var r = doc.RootElement;
        Assert.AreEqual(3, r.GetProperty("count").GetInt64());
        Assert.AreEqual(2, r.GetProperty("noTargetCount").GetInt64());
        Assert.AreEqual(0.25, r.GetProperty("oIoU").GetDouble(), 1e-12);
        Assert.AreEqual(1.0 / 6, r.GetProperty("mIoU").GetDouble(), 1e-12);
        Assert.AreEqual(0.5, r.GetProperty("gIoU").GetDouble(), 1e-12);
        Assert.AreEqual(0.25, r.GetProperty("cIoU").GetDouble(), 1e-12);
        Assert.AreEqual(0.5, r.GetProperty("nAcc").GetDouble(), 1e-12);
        Assert.AreEqual(1.0, r.GetProperty("tAcc").GetDouble(), 1e-12);
        StringAssert.Contains(output, "gIoU");
    }

    [TestMethod]
    public void MissingPredictionIsNamed()
    {
        var random = new Random(2);
        WritePng(Path.Combine(Gt, "x.png"), Pixels("1100"), 2, 2, random);
        WritePng(Path.Combine(Gt, "deep/y.png"), Pixels("1100"), 2, 2, random);
        WritePng(Path.Combine(Pred, "x.png"), Pixels("1100"), 2, 2, random);

        var (code, _, error) = Run("evaluate", "--gt", Gt, "--pred", Pred);
        Assert.AreEqual(1, code);
        StringAssert.StartsWith(error, "magnet: error: ");
        StringAssert.Contains(error, Path.Combine(Pred, "deep/y.png"));
        StringAssert.Contains(error, "1 of 2 predictions are missing");
    }

    [TestMethod]
    public void SizeMismatchIsNamed()
    {
        var random = new Random(3);
        WritePng(Path.Combine(Gt, "s.png"), Pixels("110011"), 3, 2, random);
        WritePng(Path.Combine(Pred, "s.png"), Pixels("110011"), 2, 3, random);

        var (code, _, error) = Run("evaluate", "--gt", Gt, "--pred", Pred);
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, Path.Combine(Pred, "s.png"));
        StringAssert.Contains(error, "2×3");
        StringAssert.Contains(error, "3×2");
    }

    [TestMethod]
    public void ExtraPredictionFailsUnlessAllowed()
    {
        // One matched pair G = 1100, P = 1000 (IoU 0.5) and one prediction without ground truth.
        var random = new Random(4);
        WritePng(Path.Combine(Gt, "x.png"), Pixels("1100"), 2, 2, random);
        WritePng(Path.Combine(Pred, "x.png"), Pixels("1000"), 2, 2, random);
        WritePng(Path.Combine(Pred, "stray.png"), Pixels("1111"), 2, 2, random);

        var (code, _, error) = Run("evaluate", "--gt", Gt, "--pred", Pred);
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, Path.Combine(Pred, "stray.png"));
        StringAssert.Contains(error, "--allow-extra");

        string json = Path.Combine(_root, "m.json");
        (code, _, error) = Run("evaluate", "--gt", Gt, "--pred", Pred, "--allow-extra", "--json", json);
        Assert.AreEqual(0, code, error);
        StringAssert.StartsWith(error, "magnet: warning: ");
        StringAssert.Contains(error, "stray.png");
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.AreEqual(1, doc.RootElement.GetProperty("count").GetInt64());
        Assert.AreEqual(0.5, doc.RootElement.GetProperty("oIoU").GetDouble(), 1e-12);
    }

    [TestMethod]
    public void MissingFolderAndEmptyFolderAreErrors()
    {
        Directory.CreateDirectory(Pred);
        var (code, _, error) = Run("evaluate", "--gt", Gt, "--pred", Pred);
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, Gt);

        Directory.CreateDirectory(Gt);
        (code, _, error) = Run("evaluate", "--gt", Gt, "--pred", Pred);
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "No mask images");
    }
}
