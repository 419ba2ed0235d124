using MagNet.ML.Batching;
using MagNet.ML.Checkpoints;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Tests.Trainer;

/// <summary>The cached rows and batches against the public preprocessing classes; epoch order; prefetching; atomic writes.</summary>
[TestClass]
public sealed class BatchingTests
{
    [TestMethod]
    public void ABatchHoldsExactlyWhatThePreprocessingClassesProduce()
    {
        var ml = new MLContext(seed: 1);
        var data = TrainingData.Synthetic(ml, 3, seed: 71);
        var tokenizer = new ExpressionTokenizer(8);
        var reader = new TrainingRowReader("Image", "Expression", "Mask", tokenizer, 32);
        using var cache = reader.Read(data, "training set", null, null, CancellationToken.None);
        Assert.AreEqual(3, cache.Count);
        var batch = new TrainingBatch(4, 32, 8);
        new BatchAssembler(cache, new ImageTensorizer(32)).Fill(batch, [2, 0]);
        Assert.AreEqual(2, batch.Count);

        using var cursor = data.GetRowCursor(data.Schema);
        var image = cursor.GetGetter<MLImage>(data.Schema["Image"]);
        var mask = cursor.GetGetter<MLImage>(data.Schema["Mask"]);
        var text = cursor.GetGetter<ReadOnlyMemory<char>>(data.Schema["Expression"]);
        for (int row = 0; cursor.MoveNext(); row++)
        {
            int slot = row == 2 ? 0 : row == 0 ? 1 : -1;
            if (slot < 0) continue;
            MLImage picture = null!, target = null!;
            ReadOnlyMemory<char> expression = default;
            image(ref picture);
            mask(ref target);
            text(ref expression);
            CollectionAssert.AreEqual(new ImageTensorizer(32).Tensorize(picture).Pixels, batch.Pixels.AsSpan(slot * 3 * 32 * 32, 3 * 32 * 32).ToArray(), $"pixels of row {row}");
            var (ids, attention) = tokenizer.Encode(expression.ToString());
            CollectionAssert.AreEqual(ids, batch.Ids.AsSpan(slot * 8, 8).ToArray());
            CollectionAssert.AreEqual(attention, batch.Attention.AsSpan(slot * 8, 8).ToArray());
            CollectionAssert.AreEqual(new MaskTensorizer(32).Tensorize(target), batch.Masks.AsSpan(slot * 32 * 32, 32 * 32).ToArray(), $"mask of row {row}");
        }
    }

    [TestMethod]
    public void AFileBackedCacheReadsWhatWasWrittenAndDeletesItsFile()
    {
        using var folder = new TempFolder();
        var layout = new PreprocessedRowLayout(2, 3);
        var records = Enumerable.Range(0, 3).Select(i => Enumerable.Range(0, layout.RecordBytes).Select(b => (byte)(b * 7 + i)).ToArray()).ToList();
        string memoryHash, fileHash;
        using (var memory = new PreprocessedRowCache(layout, null))
        {
            records.ForEach(r => memory.Append(r));
            memoryHash = memory.Complete();
        }
        using (var file = new PreprocessedRowCache(layout, folder.Path))
        {
            records.ForEach(r => file.Append(r));
            fileHash = file.Complete();
            Assert.HasCount(1, Directory.GetFiles(folder.Path));
            var read = new byte[layout.RecordBytes];
            for (int i = 2; i >= 0; i--)
            {
                file.Read(i, read);
                CollectionAssert.AreEqual(records[i], read);
            }
        }
        Assert.AreEqual(memoryHash, fileHash, "the fingerprint does not depend on where rows are kept");
        Assert.IsEmpty(Directory.GetFiles(folder.Path), "the cache file is deleted");
    }

    [TestMethod]
    public void EpochOrdersArePermutationsFixedBySeedAndEpoch()
    {
        var first = EpochOrder.Permutation(10, seed: 3, epoch: 0);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 10).ToArray(), first);
        CollectionAssert.AreEqual(first, EpochOrder.Permutation(10, seed: 3, epoch: 0));
        CollectionAssert.AreNotEqual(first, EpochOrder.Permutation(10, seed: 3, epoch: 1));
        CollectionAssert.AreNotEqual(first, EpochOrder.Permutation(10, seed: 4, epoch: 0));
    }

    [TestMethod]
    public void ThePrefetcherServesStepsInOrderAndRethrowsItsErrors()
    {
        var layout = new PreprocessedRowLayout(1, 1);
        using var cache = new PreprocessedRowCache(layout, null);
        for (int i = 0; i < 5; i++)
        {
            var record = new byte[layout.RecordBytes];
            layout.Write(record, i + 1, 1, [i], 1);
            cache.Append(record);
        }
        cache.Complete();
        var assembler = new BatchAssembler(cache, new ImageTensorizer(1));
        using (var prefetcher = new BatchPrefetcher(assembler, step => [(int)step], 1, 5, () => new TrainingBatch(1, 1, 1)))
        {
            for (long step = 1; step < 5; step++)
            {
                var batch = prefetcher.Next();
                Assert.AreEqual(step, batch.Step);
                Assert.AreEqual(step, batch.Ids[0], "row of the step");
                prefetcher.Return(batch);
            }
        }
        using var failing = new BatchPrefetcher(assembler, step => step < 2 ? [0] : throw new IOException("disk gone"), 0, 5, () => new TrainingBatch(1, 1, 1));
        failing.Return(failing.Next());
        failing.Return(failing.Next());
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => failing.Next());
        StringAssert.Contains(e.Message, "disk gone");
    }

    [TestMethod]
    public void AFailedAtomicWriteLeavesTheOldFileAndNoTemporaryFile()
    {
        using var folder = new TempFolder();
        string path = folder.File("state.bin");
        AtomicFile.Write(path, s => s.Write([1, 2, 3]));
        Assert.ThrowsExactly<IOException>(() => AtomicFile.Write(path, s =>
        {
            s.Write([9, 9, 9, 9]);
            throw new IOException("interrupted");
        }));
        CollectionAssert.AreEqual(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        CollectionAssert.AreEqual(new[] { path }, Directory.GetFiles(folder.Path));
        AtomicFile.Write(path, s => s.Write([4]));
        CollectionAssert.AreEqual(new byte[] { 4 }, File.ReadAllBytes(path));
    }
}
