using System.Runtime.InteropServices;
using MagNet.ML.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Transforms.Image;

namespace MagNet.ML.Transforms.Tests.Onnx;

/// <summary>
/// The ONNX inference transform on the official fixture's own ONNX export (image/input_ids/attention_mask →
/// pred_logits/pred_masks/prob, batch fixed at 2): probabilities against the official <c>post.prob</c>, scores
/// against the fixture's class logits, images at another size against an independent resize of ONNX Runtime's
/// output, save/load, device requests and input checks.
/// </summary>
[TestClass]
public sealed class ReferringSegmentationOnnxTests
{
    private static readonly MLContext Ml = new(seed: 1);

    public TestContext TestContext { get; set; } = null!;

    private sealed class PixelRow
    {
        [VectorType(3, ParityFixture.ImageSize, ParityFixture.ImageSize)]
        public float[] Image { get; set; } = [];

        public string Expression { get; set; } = "";
    }

    private sealed class ImageRow
    {
        [ImageType(30, 40)]
        public MLImage? Image { get; set; }

        public string Expression { get; set; } = "";
    }

    private sealed class OutputRow
    {
        public byte[] PredictedMask { get; set; } = [];

        public float[] Probability { get; set; } = [];

        public float Score { get; set; }
    }

    private static ReferringSegmentationOnnxEstimator.Options OfficialOptions() => new()
    {
        ModelPath = ParityFixture.ModelPath,
        MaskLogitsOutputName = "pred_masks",
    };

    private static IDataView FixtureRows(params int[] examples) =>
        Ml.Data.LoadFromEnumerable(examples.Select(b => new PixelRow { Image = ParityFixture.Image(b), Expression = ParityFixture.Sentences[b] }).ToArray());

    private static List<OutputRow> Score(ITransformer transformer, IDataView data) =>
        Ml.Data.CreateEnumerable<OutputRow>(transformer.Transform(data), reuseRowObject: false).ToList();

    [TestMethod]
    public void TokenizerReproducesTheFixtureTokenIds()
    {
        var tokenizer = new ExpressionTokenizer(20);
        var expected = ParityFixture.InputLongs("input_ids");
        for (int b = 0; b < 2; b++)
            CollectionAssert.AreEqual(expected.Skip(b * 20).Take(20).ToArray(), tokenizer.Encode(ParityFixture.Sentences[b]).Ids, ParityFixture.Sentences[b]);
    }

    [TestMethod]
    [DataRow(new[] { 0, 1 })]
    [DataRow(new[] { 1 })]
    [DataRow(new[] { 0, 1, 0 })]
    public void OfficialExportMatchesTheOfficialProbabilityForAnyRowCount(int[] examples)
    {
        var estimator = Ml.Transforms.ApplyReferringSegmentationOnnx(OfficialOptions());
        Assert.AreEqual(2, estimator.BatchSize, "the official export fixes the batch at 2");
        Assert.IsTrue(estimator.HasScore);
        var data = FixtureRows(examples);
        using var transformer = estimator.Fit(data);
        var rows = Score(transformer, data);
        Assert.HasCount(examples.Length, rows);
        var classLogits = ParityFixture.OutputFloats("dec.pred_logits");
        for (int r = 0; r < rows.Count; r++)
        {
            int b = examples[r];
            var expected = ParityFixture.Probability(b);
            Assert.HasCount(expected.Length, rows[r].Probability);
            double worst = expected.Select((p, i) => Math.Abs(p - rows[r].Probability[i])).Max();
            Assert.IsLessThanOrEqualTo(1e-4, worst, $"row {r} (example {b}) probability vs post.prob");
            for (int i = 0; i < expected.Length; i++)
                if (Math.Abs(expected[i] - 0.5) > 1e-4)
                    Assert.AreEqual(expected[i] > 0.5 ? (byte)1 : (byte)0, rows[r].PredictedMask[i], $"row {r}, pixel {i}");
            // Score = softmax over (object, no object) = 1 / (1 + e^(l1 - l0)).
            double score = 1 / (1 + Math.Exp(classLogits[2 * b + 1] - classLogits[2 * b]));
            Assert.AreEqual(score, rows[r].Score, 1e-5, $"row {r} score");
        }
    }

    [TestMethod]
    public void ImagesOfAnotherSizeGetMaskAndProbabilityAtTheirOwnSize()
    {
        const int width = 40, height = 30;
        var random = new Random(3);
        var rgb = new byte[width * height * 3];
        random.NextBytes(rgb);
        using var image = TestImages.FromRgb(width, height, rgb);
        var data = Ml.Data.LoadFromEnumerable(new[] { new ImageRow { Image = image, Expression = ParityFixture.Sentences[1] } });
        using var transformer = Ml.Transforms.ApplyReferringSegmentationOnnx(OfficialOptions()).Fit(data);
        var row = Score(transformer, data).Single();
        Assert.HasCount(width * height, row.Probability);
        Assert.HasCount(width * height, row.PredictedMask);

        // Independently: the same preprocessing fed to ONNX Runtime directly, then a double-precision aligned-corners
        // bilinear resize of pred_masks to 30x40 and a sigmoid.
        var pixels = new ImageTensorizer(ParityFixture.ImageSize).Tensorize(image).Pixels;
        var (ids, mask) = new ExpressionTokenizer(20).Encode(ParityFixture.Sentences[1]);
        float[] logits = RunOfficialModel(pixels, ids, mask);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double sy = y * 23.0 / (height - 1), sx = x * 23.0 / (width - 1);
                int y0 = (int)sy, x0 = (int)sx, y1 = Math.Min(y0 + 1, 23), x1 = Math.Min(x0 + 1, 23);
                double fy = sy - y0, fx = sx - x0;
                double v = (1 - fy) * ((1 - fx) * logits[y0 * 24 + x0] + fx * logits[y0 * 24 + x1]) + fy * ((1 - fx) * logits[y1 * 24 + x0] + fx * logits[y1 * 24 + x1]);
                double p = 1 / (1 + Math.Exp(-v));
                Assert.AreEqual(p, row.Probability[y * width + x], 1e-5, $"pixel ({x}, {y})");
                if (Math.Abs(p - 0.5) > 1e-5) Assert.AreEqual(p > 0.5 ? (byte)1 : (byte)0, row.PredictedMask[y * width + x]);
            }
    }

    [TestMethod]
    public void ClosedCursorsLendTheirScorersToTheNextAndOpenCursorsEachHaveTheirOwn()
    {
        var data = FixtureRows(0, 1, 1);
        var transformer = Ml.Transforms.ApplyReferringSegmentationOnnx(OfficialOptions()).Fit(data);
        var first = Score(transformer, data);
        Assert.AreEqual(1, transformer.IdleScorerCount, "the first cursor's scorer is kept");
        var again = Score(transformer, data);
        Assert.AreEqual(1, transformer.IdleScorerCount, "the second cursor reused it");
        for (int r = 0; r < first.Count; r++) CollectionAssert.AreEqual(first[r].Probability, again[r].Probability, $"row {r}");

        // Two cursors open at once, read in turns: each has its own buffers, so neither sees the other's batch.
        var scored = transformer.Transform(data);
        var column = scored.Schema[ReferringColumnNames.Probability];
        using (var a = scored.GetRowCursor([column]))
        using (var b = scored.GetRowCursor([column]))
        {
            var getA = a.GetGetter<VBuffer<float>>(column);
            var getB = b.GetGetter<VBuffer<float>>(column);
            VBuffer<float> valueA = default, valueB = default;
            // b starts one row behind a, so the two batches in flight always differ.
            Assert.IsTrue(a.MoveNext());
            getA(ref valueA);
            for (int r = 0; r < first.Count; r++)
            {
                Assert.IsTrue(b.MoveNext());
                getB(ref valueB);
                CollectionAssert.AreEqual(first[r].Probability, valueB.DenseValues().ToArray(), $"cursor b, row {r}");
                if (r + 1 < first.Count)
                {
                    Assert.IsTrue(a.MoveNext());
                    getA(ref valueA);
                    CollectionAssert.AreEqual(first[r + 1].Probability, valueA.DenseValues().ToArray(), $"cursor a, row {r + 1}");
                }
            }
        }
        Assert.AreEqual(2, transformer.IdleScorerCount, "both scorers are kept once both cursors close");

        transformer.Dispose();
        Assert.AreEqual(0, transformer.IdleScorerCount, "disposing the transformer releases the kept scorers");
        Assert.ThrowsExactly<ObjectDisposedException>(() => Score(transformer, data));
    }

    [TestMethod]
    public void SavedFileLoadsAndScoresTheSame()
    {
        var data = FixtureRows(0, 1);
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"magnet-onnx-{Guid.NewGuid():N}.zip");
        try
        {
            List<OutputRow> before;
            using (var transformer = Ml.Transforms.ApplyReferringSegmentationOnnx(OfficialOptions()).Fit(data))
            {
                before = Score(transformer, data);
                transformer.Save(path);
                using var stream = new MemoryStream();
                var e = Assert.ThrowsExactly<NotSupportedException>(() => Ml.Model.Save(transformer, data.Schema, stream));
                StringAssert.Contains(e.Message, "Save(path)");
            }
            using var loaded = ReferringSegmentationOnnxTransformer.Load(Ml, path);
            Assert.AreEqual(2, loaded.BatchSize);
            Assert.AreEqual(96, loaded.ImageSize);
            var after = Score(loaded, data);
            for (int r = 0; r < before.Count; r++)
            {
                CollectionAssert.AreEqual(before[r].Probability, after[r].Probability);
                CollectionAssert.AreEqual(before[r].PredictedMask, after[r].PredictedMask);
                Assert.AreEqual(before[r].Score, after[r].Score);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void CustomVocabularyTravelsInTheFileAndSurvivesASecondSave()
    {
        string folder = TestImages.TempFolder();
        try
        {
            // A vocabulary file with bert-base-uncased's content: the saved file must carry it, and a loaded transformer
            // (whose vocabulary file was temporary) must save it again.
            string vocabulary = System.IO.Path.Combine(folder, "vocab.txt");
            using (var source = BertVocabulary.OpenDefault())
            using (var target = File.Create(vocabulary))
                source.CopyTo(target);
            var options = OfficialOptions();
            options.VocabularyPath = vocabulary;
            var data = FixtureRows(1);
            string first = System.IO.Path.Combine(folder, "first.zip"), second = System.IO.Path.Combine(folder, "second.zip");
            List<OutputRow> expected;
            using (var transformer = Ml.Transforms.ApplyReferringSegmentationOnnx(options).Fit(data))
            {
                expected = Score(transformer, data);
                transformer.Save(first);
            }
            File.Delete(vocabulary);
            using (var loaded = ReferringSegmentationOnnxTransformer.Load(Ml, first))
                loaded.Save(second);
            using var again = ReferringSegmentationOnnxTransformer.Load(Ml, second);
            using (var zip = System.IO.Compression.ZipFile.OpenRead(second))
                Assert.IsNotNull(zip.GetEntry("vocab.txt"));
            CollectionAssert.AreEqual(expected[0].Probability, Score(again, data)[0].Probability);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void FilesThatAreNotSavedTransformersAreRefused()
    {
        Assert.ThrowsExactly<FileNotFoundException>(() => ReferringSegmentationOnnxTransformer.Load(Ml, "missing.zip"));
        var notZip = Assert.ThrowsExactly<InvalidDataException>(() => ReferringSegmentationOnnxTransformer.Load(Ml, ParityFixture.ModelPath));
        StringAssert.Contains(notZip.Message, "model.onnx");
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"magnet-onnx-{Guid.NewGuid():N}.zip");
        try
        {
            using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
            using (var writer = new StreamWriter(zip.CreateEntry("magnet-onnx.json").Open()))
                writer.Write("""{ "format": "MagNet.ML.ReferringSegmentationOnnx", "version": 9 }""");
            var newer = Assert.ThrowsExactly<InvalidDataException>(() => ReferringSegmentationOnnxTransformer.Load(Ml, path));
            StringAssert.Contains(newer.Message, "version 9");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void CudaRequestWithoutCudaFailsClearlyUnlessFallingBack()
    {
        if (CudaLibrariesPresent()) Assert.Inconclusive("CUDA 13 libraries are present: a GPU request may succeed here.");
        var data = FixtureRows(0, 1);
        var request = OfficialOptions();
        request.GpuDeviceId = 0;
        var estimator = Ml.Transforms.ApplyReferringSegmentationOnnx(request);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => estimator.Fit(data));
        TestContext.WriteLine(e.Message);
        StringAssert.Contains(e.Message, "GPU 0");
        StringAssert.Contains(e.Message, "fallbackToCpu");

        // The MLContext-level setting applies when the call names no GPU (ML.NET's rule).
        var gpuContext = new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = false };
        var options = OfficialOptions();
        Assert.ThrowsExactly<InvalidOperationException>(() => gpuContext.Transforms.ApplyReferringSegmentationOnnx(options).Fit(data));

        // With fallback the model runs on the CPU and gives the CPU's numbers.
        var fallback = OfficialOptions();
        fallback.GpuDeviceId = 0;
        fallback.FallbackToCpu = true;
        using var onCpu = Ml.Transforms.ApplyReferringSegmentationOnnx(OfficialOptions()).Fit(data);
        using var fellBack = Ml.Transforms.ApplyReferringSegmentationOnnx(fallback).Fit(data);
        var expected = Score(onCpu, data);
        var actual = Score(fellBack, data);
        for (int r = 0; r < 2; r++) CollectionAssert.AreEqual(expected[r].Probability, actual[r].Probability);
    }

    [TestMethod]
    public void ModelsThatDoNotFitTheContractAreRefusedWithTheReason()
    {
        var wrongName = OfficialOptions();
        wrongName.MaskLogitsOutputName = "mask_logits";
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Ml.Transforms.ApplyReferringSegmentationOnnx(wrongName));
        StringAssert.Contains(e.Message, "'mask_logits'");
        StringAssert.Contains(e.Message, "'pred_masks'");

        var wrongSize = OfficialOptions();
        wrongSize.ImageSize = 480;
        e = Assert.ThrowsExactly<InvalidDataException>(() => Ml.Transforms.ApplyReferringSegmentationOnnx(wrongSize));
        StringAssert.Contains(e.Message, "ImageSize is 480");

        var wrongOutput = OfficialOptions();
        wrongOutput.MaskLogitsOutputName = "pred_logits";
        e = Assert.ThrowsExactly<InvalidDataException>(() => Ml.Transforms.ApplyReferringSegmentationOnnx(wrongOutput));
        StringAssert.Contains(e.Message, "[N, 1, h, w]");
        StringAssert.Contains(e.Message, "[2, 1, 2]");

        Assert.ThrowsExactly<FileNotFoundException>(() => Ml.Transforms.ApplyReferringSegmentationOnnx("no-such-model.onnx"));
        var badBatch = OfficialOptions();
        badBatch.BatchSize = 0;
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Ml.Transforms.ApplyReferringSegmentationOnnx(badBatch));
    }

    [TestMethod]
    [DataRow(0, null)]
    [DataRow(-1, null)]
    [DataRow(null, 0)]
    public void ThreadCountsBelowOneAreRefused(int? intraOp, int? interOp)
    {
        var options = OfficialOptions();
        options.IntraOpNumThreads = intraOp;
        options.InterOpNumThreads = interOp;
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Ml.Transforms.ApplyReferringSegmentationOnnx(options));
        Assert.AreEqual(intraOp is null ? "InterOpNumThreads" : "IntraOpNumThreads", e.ParamName);
    }

    [TestMethod]
    public void IntraOpThreadCountReachesTheSession()
    {
        // ONNX Runtime starts its intra-op pool when the session opens: n threads are the caller plus n - 1 of the
        // pool's own, so a session of 4 starts 3 more operating-system threads than a session of 1.
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("Counts the process's threads in /proc/self/task.");
        var data = FixtureRows(0);
        int ThreadsStartedBy(int? intraOp)
        {
            var options = OfficialOptions();
            options.IntraOpNumThreads = intraOp;
            var estimator = Ml.Transforms.ApplyReferringSegmentationOnnx(options);
            int before = Directory.GetDirectories("/proc/self/task").Length;
            using var transformer = estimator.Fit(data);
            return Directory.GetDirectories("/proc/self/task").Length - before;
        }
        ThreadsStartedBy(1); // whatever ML.NET or ONNX Runtime start once per process is running after this
        // The fewest of three tries: a .NET thread-pool thread that happens to start meanwhile (under CPU contention)
        // would otherwise be counted as the session's.
        int one = Enumerable.Range(0, 3).Min(_ => ThreadsStartedBy(1)), four = Enumerable.Range(0, 3).Min(_ => ThreadsStartedBy(4));
        Assert.AreEqual(3, four - one, $"threads started: {one} by a session of 1, {four} by a session of 4");

        // And the scores do not depend on it.
        var options = OfficialOptions();
        options.IntraOpNumThreads = 2;
        options.InterOpNumThreads = 1;
        using var threaded = Ml.Transforms.ApplyReferringSegmentationOnnx(options).Fit(data);
        using var byDefault = Ml.Transforms.ApplyReferringSegmentationOnnx(OfficialOptions()).Fit(data);
        var expected = Score(byDefault, data)[0].Probability;
        var actual = Score(threaded, data)[0].Probability;
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], 1e-5f, $"probability {i}");
    }

    [TestMethod]
    public void SchemaPropagatesAndBadInputColumnsAreNamed()
    {
        var estimator = Ml.Transforms.ApplyReferringSegmentationOnnx(OfficialOptions());
        var valid = FixtureRows(0);
        var validShape = new SchemaShape([
            SchemaShapeFactory.Column("Image", SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single),
            SchemaShapeFactory.Scalar("Expression", TextDataViewType.Instance)]);
        var shape = estimator.GetOutputSchema(validShape);
        using var fitted = estimator.Fit(valid);
        var schema = fitted.GetOutputSchema(valid.Schema);
        Assert.AreEqual(schema.Count, fitted.Transform(valid).Schema.Count);
        foreach (var (name, item) in new (string, DataViewType)[] { ("PredictedMask", NumberDataViewType.Byte), ("Probability", NumberDataViewType.Single) })
        {
            var promised = shape.Single(c => c.Name == name);
            Assert.AreEqual(SchemaShape.Column.VectorKind.VariableVector, promised.Kind, name);
            Assert.AreEqual(item, promised.ItemType, name);
            var actual = (VectorDataViewType)schema[name].Type;
            Assert.AreEqual(item, actual.ItemType, name);
            Assert.IsFalse(actual.IsKnownSize, $"{name} has the size of each row's image");
        }
        Assert.AreEqual(SchemaShape.Column.VectorKind.Scalar, shape.Single(c => c.Name == "Score").Kind);
        Assert.AreEqual(NumberDataViewType.Single, schema["Score"].Type);

        var wrongName = Ml.Data.LoadFromEnumerable(new[] { new { Picture = new float[3], Expression = "x" } });
        EstimatorContractChecks.RejectsInput(estimator, fitted, wrongName, new SchemaShape([
            SchemaShapeFactory.Column("Picture", SchemaShape.Column.VectorKind.VariableVector, NumberDataViewType.Single),
            SchemaShapeFactory.Scalar("Expression", TextDataViewType.Instance)]), "Image", "MLImage");
        var wrongText = Ml.Data.LoadFromEnumerable(new[] { new { Image = "image.png", Expression = 3 } });
        EstimatorContractChecks.RejectsInput(estimator, fitted, wrongText, new SchemaShape([
            SchemaShapeFactory.Scalar("Image", TextDataViewType.Instance),
            SchemaShapeFactory.Scalar("Expression", NumberDataViewType.Int32)]), "Expression", "text");
    }

    [TestMethod]
    public void AnAppThatReferencesOnlyTheTransformsPackageCarriesNoLibtorch()
    {
        // This test assembly references MagNet.ML.Transforms only, and the tests above ran ONNX models through it.
        var torch = Directory.GetFiles(AppContext.BaseDirectory, "*", SearchOption.AllDirectories)
            .Select(System.IO.Path.GetFileName)
            .Where(f => f!.StartsWith("libtorch", StringComparison.Ordinal) || f.StartsWith("TorchSharp", StringComparison.Ordinal) || f == "libLibTorchSharp.so")
            .ToList();
        Assert.IsEmpty(torch, string.Join(", ", torch));
        Assert.IsTrue(File.Exists(System.IO.Path.Combine(AppContext.BaseDirectory, "Microsoft.ML.OnnxTransformer.dll")));
    }

    private static float[] RunOfficialModel(float[] pixels, long[] ids, long[] mask)
    {
        using var session = new InferenceSession(ParityFixture.ModelPath);
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("image", new DenseTensor<float>(pixels.Concat(pixels).ToArray(), [2, 3, 96, 96])),
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids.Concat(ids).ToArray(), [2, 20])),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask.Concat(mask).ToArray(), [2, 20])),
        };
        using var results = session.Run(inputs, ["pred_masks"]);
        return results.First().AsTensor<float>().ToArray().Take(24 * 24).ToArray();
    }

    private static bool CudaLibrariesPresent() =>
        NativeLibrary.TryLoad("libcudart.so.13", out _) && NativeLibrary.TryLoad("libcudnn.so.9", out _);
}
