using System.Text.Json;
using MagNet.ML;

namespace MagNet.Cli.Tests;

[TestClass]
public sealed class ConvertReferCommandTests
{
    private static readonly Lazy<string> Fixture = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "fixtures", "refer-mini");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/fixtures/refer-mini was not found above " + AppContext.BaseDirectory);
    });

    private static string ImageDirectory => Path.Combine(Fixture.Value, "images", "mscoco", "images", "train2014");

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliRunner.Run(Program.BuildRootCommand(), args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static List<JsonElement> Rows(string outputDirectory) => File.ReadAllLines(Path.Combine(outputDirectory, "data.jsonl"))
        .Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();

    [TestMethod]
    public void ConvertsAnRleSplitWithExactMasks()
    {
        using var temp = new ScratchFolder();
        var (code, output, error) = Run("convert-refer", "--root", Fixture.Value, "--dataset", "refcoco", "--split-by", "unc",
            "--split", "val", "--out", temp.Path);
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "Wrote 2 rows");

        var rows = Rows(temp.Path);
        CollectionAssert.AreEqual(new[] { "31", "32" }, rows.Select(r => r.GetProperty("id").GetString()).ToArray());
        var first = rows[0];
        Assert.AreEqual("rectangle with a tail", first.GetProperty("expression").GetString());
        Assert.AreEqual("val", first.GetProperty("split").GetString());
        Assert.AreEqual(3, first.GetProperty("ref_id").GetInt64());
        Assert.AreEqual(103, first.GetProperty("ann_id").GetInt64());
        Assert.AreEqual(31, first.GetProperty("sent_id").GetInt64());
        Assert.AreEqual(Path.Combine(ImageDirectory, "COCO_train2014_000000000002.png"), first.GetProperty("image").GetString());
        Assert.AreEqual("masks/31.png", first.GetProperty("mask").GetString());

        // The mask file equals the shape drawn by the fixture script (not decoded from the RLE): exact.
        var expected = BinaryMask.LoadImage(Path.Combine(Fixture.Value, "expected", "ann103.png"));
        foreach (string id in new[] { "31", "32" })
            CollectionAssert.AreEqual(expected.Data, BinaryMask.LoadImage(Path.Combine(temp.Path, "masks", id + ".png")).Data);
    }

    [TestMethod]
    public void PolygonMasksMatchAnIndependentFill()
    {
        using var temp = new ScratchFolder();
        var (code, _, error) = Run("convert-refer", "--root", Fixture.Value, "--split", "test", "--out", temp.Path);
        Assert.AreEqual(0, code, error);
        CollectionAssert.AreEqual(new[] { "41", "51", "61" }, Rows(temp.Path).Select(r => r.GetProperty("id").GetString()).ToArray());
        Assert.AreEqual("caf\u00e9 triangle", Rows(temp.Path)[0].GetProperty("expression").GetString());

        // Polygons of annotations 105 (32×24), 106 and 107 from instances.json, filled at pixel centres.
        var cases = new (string Id, int W, int H, double[] Polygon)[]
        {
            ("41", 32, 24, new double[] { 2, 2, 30, 4, 12, 22 }),
            ("51", 40, 32, new double[] { 22, 4, 38, 4, 38, 28, 22, 28 }),
            ("61", 48, 40, new double[] { 6, 30, 24, 28, 42, 34, 40, 38, 8, 38 }),
        };
        foreach (var (id, w, h, polygon) in cases)
        {
            var mask = BinaryMask.LoadImage(Path.Combine(temp.Path, "masks", id + ".png"));
            Assert.AreEqual(w, mask.Width);
            Assert.AreEqual(h, mask.Height);
            double iou = IoU(mask, polygon);
            Assert.IsGreaterThanOrEqualTo(0.97, iou, $"row {id}: IoU {iou}");
        }
    }

    [TestMethod]
    public void ConvertsGRefCocoWithListsAndEmptyMasks()
    {
        using var temp = new ScratchFolder();
        var (code, _, error) = Run("convert-refer", "--root", Fixture.Value, "--dataset", "grefcoco", "--split", "val",
            "--images", ImageDirectory, "--out", temp.Path, "--image-paths", "relative");
        Assert.AreEqual(0, code, error);
        var rows = Rows(temp.Path);
        CollectionAssert.AreEqual(new[] { "201", "301" }, rows.Select(r => r.GetProperty("id").GetString()).ToArray());
        Assert.AreEqual("[-1]", rows[0].GetProperty("ann_id").GetRawText());
        Assert.AreEqual("[103,104]", rows[1].GetProperty("ann_id").GetRawText());
        Assert.IsTrue(BinaryMask.LoadImage(Path.Combine(temp.Path, "masks", "201.png")).IsEmpty);
        var expected = BinaryMask.LoadImage(Path.Combine(Fixture.Value, "expected", "ann103.png")); // crowd 104 left out
        CollectionAssert.AreEqual(expected.Data, BinaryMask.LoadImage(Path.Combine(temp.Path, "masks", "301.png")).Data);
        string image = rows[0].GetProperty("image").GetString()!;
        Assert.IsFalse(Path.IsPathRooted(image));
        Assert.IsTrue(File.Exists(Path.Combine(temp.Path, image)));
    }

    [TestMethod]
    public void OutputReadsBackAsAJsonlDataSet()
    {
        using var temp = new ScratchFolder();
        Assert.AreEqual(0, Run("convert-refer", "--root", Fixture.Value, "--split", "train", "--out", temp.Path).Code);
        var rows = ReferringDatasets.ReadJsonl(Path.Combine(temp.Path, "data.jsonl"));
        CollectionAssert.AreEqual(new[] { "11", "12", "21" }, rows.Select(r => r.Id).ToArray());
        Assert.AreEqual("The man on the LEFT.", rows[0].Expression);
        Assert.AreEqual(600L, rows[2].LoadMask!().Area); // ann 102 under REFER's overlap rule (432 + 448 - 2 × 140)
    }

    [TestMethod]
    public void UnionOverlapsKeepsSharedPixels()
    {
        using var temp = new ScratchFolder();
        Assert.AreEqual(0, Run("convert-refer", "--root", Fixture.Value, "--split", "train", "--out", temp.Path, "--union-overlaps").Code);
        Assert.AreEqual(740L, BinaryMask.LoadImage(Path.Combine(temp.Path, "masks", "21.png")).Area);
    }

    [TestMethod]
    public void MissingImageFailsNamingItUnlessSkipped()
    {
        using var root = new ScratchFolder();
        CopyDirectory(Fixture.Value, root.Path);
        string missing = Path.Combine(root.Path, "images", "mscoco", "images", "train2014", "COCO_train2014_000000000002.png");
        File.Delete(missing);
        using var output = new ScratchFolder();

        var failed = Run("convert-refer", "--root", root.Path, "--split", "all", "--out", output.Path);
        Assert.AreEqual(1, failed.Code);
        StringAssert.StartsWith(failed.Error, "magnet: error: ");
        StringAssert.Contains(failed.Error, missing);
        Assert.IsFalse(File.Exists(Path.Combine(output.Path, "data.jsonl")));

        var skipped = Run("convert-refer", "--root", root.Path, "--split", "all", "--out", output.Path, "--skip-missing-images");
        Assert.AreEqual(0, skipped.Code, skipped.Error);
        StringAssert.Contains(skipped.Output, "Wrote 5 rows");
        StringAssert.Contains(skipped.Output, "Skipped 3 rows: 31, 32, 51.");
        StringAssert.Contains(skipped.Output, missing);
        Assert.HasCount(5, Rows(output.Path));
    }

    [TestMethod]
    public void UnknownSplitIsAnError()
    {
        using var temp = new ScratchFolder();
        var (code, _, error) = Run("convert-refer", "--root", Fixture.Value, "--split", "dev", "--out", temp.Path);
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "Unknown split 'dev'");
    }

    [TestMethod]
    public void MissingRefsFileIsAnError()
    {
        using var temp = new ScratchFolder();
        var (code, _, error) = Run("convert-refer", "--root", Fixture.Value, "--dataset", "refcocog", "--split-by", "umd",
            "--split", "val", "--out", temp.Path);
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "refs(umd).p");
    }

    /// <summary>IoU against an even-odd scanline fill sampled at pixel centres (independent of COCO's rasteriser).</summary>
    private static double IoU(BinaryMask mask, double[] polygon)
    {
        int n = polygon.Length / 2;
        long intersection = 0, union = 0;
        for (int y = 0; y < mask.Height; y++)
        {
            double cy = y + 0.5;
            var xs = new List<double>();
            for (int i = 0; i < n; i++)
            {
                double x0 = polygon[2 * i], y0 = polygon[2 * i + 1], x1 = polygon[2 * ((i + 1) % n)], y1 = polygon[2 * ((i + 1) % n) + 1];
                if ((y0 <= cy && cy < y1) || (y1 <= cy && cy < y0)) xs.Add(x0 + (cy - y0) * (x1 - x0) / (y1 - y0));
            }
            xs.Sort();
            for (int x = 0; x < mask.Width; x++)
            {
                bool inside = false;
                for (int k = 0; k + 1 < xs.Count; k += 2) inside |= x + 0.5 >= xs[k] && x + 0.5 < xs[k + 1];
                if (inside && mask[x, y]) intersection++;
                if (inside || mask[x, y]) union++;
            }
        }
        return (double)intersection / union;
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private sealed class ScratchFolder : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "magnet-cli-" + Guid.NewGuid().ToString("N"));

        public ScratchFolder() => Directory.CreateDirectory(Path);

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
    }
}
