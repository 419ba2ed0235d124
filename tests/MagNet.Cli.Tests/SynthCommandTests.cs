using System.Text.Json;
using MagNet.ML;

namespace MagNet.Cli.Tests;

[TestClass]
public sealed class SynthCommandTests
{
    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = CliRunner.Run(Program.BuildRootCommand(), args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static string NewDirectory() => Path.Combine(Path.GetTempPath(), $"magnet-synth-{Guid.NewGuid():N}");

    private static string[] Files(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal).ToArray();

    [TestMethod]
    public void SameSeedWritesByteIdenticalFilesAndAnotherSeedDoesNot()
    {
        string a = NewDirectory(), b = NewDirectory(), c = NewDirectory();
        try
        {
            string[] common = ["--count", "6", "--split", "train,test-rare", "--multi-target", "0.2", "--no-target", "0.2"];
            Assert.AreEqual(0, Run(["synth", "--out", a, "--seed", "4", .. common]).Exit);
            Assert.AreEqual(0, Run(["synth", "--out", b, "--seed", "4", .. common]).Exit);
            Assert.AreEqual(0, Run(["synth", "--out", c, "--seed", "5", .. common]).Exit);
            var files = Files(a);
            CollectionAssert.AreEqual(files, Files(b));
            Assert.HasCount(1 + 12 + 12, files);
            foreach (string file in files)
                CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(a, file)), File.ReadAllBytes(Path.Combine(b, file)), file);
            CollectionAssert.AreNotEqual(File.ReadAllBytes(Path.Combine(a, "data.jsonl")), File.ReadAllBytes(Path.Combine(c, "data.jsonl")));
            CollectionAssert.AreNotEqual(
                File.ReadAllBytes(Path.Combine(a, "images", "train-000000.png")), File.ReadAllBytes(Path.Combine(c, "images", "train-000000.png")));
        }
        finally
        {
            foreach (string d in new[] { a, b, c }) if (Directory.Exists(d)) Directory.Delete(d, true);
        }
    }

    [TestMethod]
    public void TwoHundredRowsHaveEveryFieldAMaskAndFourFamilies()
    {
        string directory = NewDirectory();
        try
        {
            var (exit, output, error) = Run("synth", "--out", directory, "--count", "200", "--seed", "1");
            Assert.AreEqual(0, exit, error);
            StringAssert.Contains(output, "Wrote 200 rows");
            string[] lines = File.ReadAllLines(Path.Combine(directory, "data.jsonl"));
            Assert.HasCount(200, lines);
            var families = new HashSet<string>();
            foreach (string line in lines)
            {
                using var json = JsonDocument.Parse(line);
                var row = json.RootElement;
                string id = row.GetProperty("id").GetString()!;
                Assert.IsFalse(string.IsNullOrWhiteSpace(row.GetProperty("expression").GetString()), id);
                Assert.AreEqual("train", row.GetProperty("split").GetString(), id);
                Assert.AreEqual(1, row.GetProperty("targets").GetInt32(), id);
                Assert.IsTrue(row.GetProperty("hops").GetInt32() is >= 0 and <= 2, id);
                Assert.IsGreaterThanOrEqualTo(3, row.GetProperty("scene").GetProperty("objects").GetArrayLength(), id);
                families.Add(row.GetProperty("template").GetString()!);
                string image = row.GetProperty("image").GetString()!, mask = row.GetProperty("mask").GetString()!;
                Assert.IsFalse(Path.IsPathRooted(image) || Path.IsPathRooted(mask), id);
                Assert.IsTrue(File.Exists(Path.Combine(directory, image)), image);
                var pixels = BinaryMask.LoadImage(Path.Combine(directory, mask));
                Assert.AreEqual(128, pixels.Width);
                Assert.IsFalse(pixels.IsEmpty, $"{id}: empty mask");
            }
            Assert.IsGreaterThanOrEqualTo(4, families.Count, string.Join(", ", families));
        }
        finally { if (Directory.Exists(directory)) Directory.Delete(directory, true); }
    }

    [TestMethod]
    public void MaskPngsHoldOnlyZeroAnd255AndNoTargetMasksAreEmpty()
    {
        string directory = NewDirectory();
        try
        {
            Assert.AreEqual(0, Run("synth", "--out", directory, "--count", "20", "--seed", "2", "--size", "96", "--no-target", "0.5").Exit);
            int empty = 0;
            foreach (string line in File.ReadAllLines(Path.Combine(directory, "data.jsonl")))
            {
                using var json = JsonDocument.Parse(line);
                var row = json.RootElement;
                using var bitmap = SkiaSharp.SKBitmap.Decode(Path.Combine(directory, row.GetProperty("mask").GetString()!));
                Assert.AreEqual(96, bitmap.Width);
                var values = bitmap.Pixels.Select(p => p.Red).Distinct().ToArray();
                Assert.IsTrue(values.All(v => v is 0 or 255), string.Join(",", values));
                bool isEmpty = values.All(v => v == 0);
                Assert.AreEqual(row.GetProperty("targets").GetInt32() == 0, isEmpty, row.GetProperty("id").GetString());
                empty += isEmpty ? 1 : 0;
            }
            Assert.IsGreaterThan(0, empty);
        }
        finally { if (Directory.Exists(directory)) Directory.Delete(directory, true); }
    }

    [TestMethod]
    public void BadArgumentsFailWithAMessageNamingTheFlag()
    {
        string directory = NewDirectory();
        var count = Run("synth", "--out", directory, "--count", "0", "--seed", "1");
        Assert.AreEqual(1, count.Exit);
        StringAssert.StartsWith(count.Error, "magnet: error: synth --count:");
        var split = Run("synth", "--out", directory, "--count", "2", "--seed", "1", "--split", "training");
        Assert.AreEqual(1, split.Exit);
        StringAssert.Contains(split.Error, "--split");
        StringAssert.Contains(split.Error, "'training'");
        var fraction = Run("synth", "--out", directory, "--count", "2", "--seed", "1", "--no-target", "2");
        Assert.AreEqual(1, fraction.Exit);
        StringAssert.Contains(fraction.Error, "--no-target");
        var size = Run("synth", "--out", directory, "--count", "2", "--seed", "1", "--size", "32");
        Assert.AreEqual(1, size.Exit);
        StringAssert.Contains(size.Error, "--size");
        Assert.IsFalse(Directory.Exists(directory), "a refused command must not write anything");
        Assert.AreNotEqual(0, Run("synth", "--count", "2", "--seed", "1").Exit, "--out is required");
    }
}
