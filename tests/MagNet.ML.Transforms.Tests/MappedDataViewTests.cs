using MagNet.ML.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Transforms.Tests;

[TestClass]
public sealed class MappedDataViewTests
{
    private static readonly MLContext Ml = new(seed: 1);

    private sealed class InputRow
    {
        public int X { get; set; }
        public string Label { get; set; } = "";
    }

    /// <summary>Appends Y = 10·X and Z = X + 1 (Int32); records every batch it computes.</summary>
    private sealed class RecordingMapper(int batchSize) : IRowBatchMapper
    {
        public List<int[]> Batches { get; } = [];
        public int WorkersCreated { get; private set; }

        public IReadOnlyList<AppendedColumn> OutputColumns { get; } =
            [new("Y", NumberDataViewType.Int32), new("Z", NumberDataViewType.Int32)];

        public IReadOnlyList<string> InputColumnNames { get; } = ["X"];

        public int BatchSize => batchSize;

        public RowBatchWorker CreateWorker(DataViewRow input)
        {
            WorkersCreated++;
            return new Worker(this, input.GetGetter<int>(input.Schema["X"]), batchSize);
        }

        private sealed class Worker(RecordingMapper parent, ValueGetter<int> x, int batchSize) : RowBatchWorker
        {
            private readonly int[] _inputs = new int[batchSize];
            private readonly int[] _y = new int[batchSize];
            private readonly int[] _z = new int[batchSize];

            public override void ReadRow(int slot) => x(ref _inputs[slot]);

            public override void ComputeBatch(int count)
            {
                parent.Batches.Add(_inputs[..count]);
                for (int i = 0; i < count; i++)
                {
                    _y[i] = 10 * _inputs[i];
                    _z[i] = _inputs[i] + 1;
                }
            }

            public override ValueGetter<T> GetGetter<T>(int outputIndex, Func<int> currentSlot)
            {
                int[] source = outputIndex == 0 ? _y : _z;
                ValueGetter<int> getter = (ref int value) => value = source[currentSlot()];
                return (ValueGetter<T>)(Delegate)getter;
            }
        }
    }

    private static IDataView Input(int rows) =>
        Ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(i => new InputRow { X = i + 1, Label = $"row{i}" }).ToArray());

    [TestMethod]
    public void SchemaIsTheInputFollowedByTheAppendedColumns()
    {
        var view = new MappedDataView(Input(1), new RecordingMapper(1));
        CollectionAssert.AreEqual(new[] { "X", "Label", "Y", "Z" }, view.Schema.Select(c => c.Name).ToArray());
        Assert.AreEqual(NumberDataViewType.Int32, view.Schema["Z"].Type);
    }

    [TestMethod]
    public void PerRowMapperComputesEachRowOnceWhateverIsRead()
    {
        var mapper = new RecordingMapper(1);
        var view = new MappedDataView(Input(3), mapper);
        using var cursor = view.GetRowCursor(view.Schema);
        var x = cursor.GetGetter<int>(view.Schema["X"]);
        var y = cursor.GetGetter<int>(view.Schema["Y"]);
        var z = cursor.GetGetter<int>(view.Schema["Z"]);
        var label = cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema["Label"]);
        int row = 0;
        while (cursor.MoveNext())
        {
            int xv = 0, yv = 0, zv = 0;
            ReadOnlyMemory<char> lv = default;
            y(ref yv); z(ref zv); y(ref yv); x(ref xv); label(ref lv);
            Assert.AreEqual(row + 1, xv);
            Assert.AreEqual(10 * (row + 1), yv);
            Assert.AreEqual(row + 2, zv);
            Assert.AreEqual($"row{row}", lv.ToString());
            row++;
        }
        Assert.AreEqual(3, row);
        Assert.AreEqual(3, mapper.Batches.Count, "one computation per row, shared by Y and Z");
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, mapper.Batches.Select(b => b.Single()).ToArray());
    }

    [TestMethod]
    public void BatchedMapperGetsConsecutiveRowsInBatches()
    {
        var mapper = new RecordingMapper(3);
        var view = new MappedDataView(Input(7), mapper);
        using var cursor = view.GetRowCursor(view.Schema);
        var x = cursor.GetGetter<int>(view.Schema["X"]);
        var y = cursor.GetGetter<int>(view.Schema["Y"]);
        var z = cursor.GetGetter<int>(view.Schema["Z"]);
        int rows = 0;
        while (cursor.MoveNext())
        {
            int xv = 0, yv = 0, zv = 0;
            z(ref zv); x(ref xv); y(ref yv);
            Assert.AreEqual(10 * xv, yv);
            Assert.AreEqual(xv + 1, zv);
            rows++;
        }
        Assert.AreEqual(7, rows);
        Assert.AreEqual(3, mapper.Batches.Count);
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, mapper.Batches[0]);
        CollectionAssert.AreEqual(new[] { 4, 5, 6 }, mapper.Batches[1]);
        CollectionAssert.AreEqual(new[] { 7 }, mapper.Batches[2]);
    }

    [TestMethod]
    public void BatchedMapperStartsABatchAtTheFirstRowReadAfterSkippedRows()
    {
        var mapper = new RecordingMapper(2);
        var view = new MappedDataView(Input(6), mapper);
        using var cursor = view.GetRowCursor(view.Schema);
        var y = cursor.GetGetter<int>(view.Schema["Y"]);
        var read = new List<int>();
        while (cursor.MoveNext())
        {
            if (cursor.Position is not (1 or 2 or 5)) continue;
            int yv = 0;
            y(ref yv);
            read.Add(yv);
        }
        CollectionAssert.AreEqual(new[] { 20, 30, 60 }, read);
        Assert.AreEqual(2, mapper.Batches.Count);
        CollectionAssert.AreEqual(new[] { 2, 3 }, mapper.Batches[0]);
        CollectionAssert.AreEqual(new[] { 6 }, mapper.Batches[1]);
    }

    [TestMethod]
    public void NothingIsComputedWhenNoAppendedColumnIsRequested()
    {
        var mapper = new RecordingMapper(1);
        var view = new MappedDataView(Input(4), mapper);
        using (var cursor = view.GetRowCursor([view.Schema["X"]]))
        {
            Assert.IsFalse(cursor.IsColumnActive(view.Schema["Y"]));
            while (cursor.MoveNext()) { }
        }
        Assert.AreEqual(0, mapper.WorkersCreated);
        Assert.AreEqual(0, mapper.Batches.Count);
        Assert.AreEqual(4L, view.GetRowCount());
    }

    [TestMethod]
    public void WrongGetterTypeOrInactiveColumnIsRejected()
    {
        var view = new MappedDataView(Input(1), new RecordingMapper(1));
        using var cursor = view.GetRowCursor([view.Schema["Y"]]);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<float>(view.Schema["Y"]));
        StringAssert.Contains(e.Message, "'Y'");
        Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<int>(view.Schema["Z"]));
    }

    [TestMethod]
    public void WorksWithMLNetConsumers()
    {
        var view = new MappedDataView(Input(5), new RecordingMapper(2));
        var rows = Ml.Data.CreateEnumerable<OutputRow>(view, reuseRowObject: false).ToList();
        CollectionAssert.AreEqual(new[] { 10, 20, 30, 40, 50 }, rows.Select(r => r.Y).ToArray());
        CollectionAssert.AreEqual(new[] { 2, 3, 4, 5, 6 }, rows.Select(r => r.Z).ToArray());
        // Caching the view, then skipping rows, exercises ML.NET's own cursors over our data view.
        var skipped = Ml.Data.SkipRows(Ml.Data.Cache(view), 3);
        CollectionAssert.AreEqual(new[] { 40, 50 }, Ml.Data.CreateEnumerable<OutputRow>(skipped, false).Select(r => r.Y).ToArray());
    }

    private sealed class OutputRow
    {
        public int X { get; set; }
        public int Y { get; set; }
        public int Z { get; set; }
    }
}
