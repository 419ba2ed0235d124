using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Tests.Synthetic;

[TestClass]
public sealed class SyntheticDataViewTests
{
    [TestMethod]
    public void LoadSyntheticGivesImagesMasksAndTemplateColumns()
    {
        var ml = new MLContext(1);
        var options = new SyntheticReferringDataset.Options { Seed = 3, Count = 4, Split = "val" };
        var view = ReferringDatasets.LoadSynthetic(ml, options);
        var expected = new SyntheticReferringDataset(options).Generate();
        Assert.IsInstanceOfType<TextDataViewType>(view.Schema["Template"].Type);
        using var cursor = view.GetRowCursor(view.Schema);
        var id = cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema["Id"]);
        var template = cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema["Template"]);
        var mask = cursor.GetGetter<MLImage>(view.Schema["Mask"]);
        int row = 0;
        while (cursor.MoveNext())
        {
            ReadOnlyMemory<char> i = default, t = default;
            MLImage m = null!;
            id(ref i); template(ref t); mask(ref m);
            Assert.AreEqual(expected[row].Id, i.ToString());
            Assert.AreEqual(expected[row].Extras["template"], t.ToString());
            // The mask column carries the record's mask: same foreground pixel count.
            Assert.AreEqual(expected[row].LoadMask!().Area, BinaryMask.FromMLImage(m).Area);
            row++;
        }
        Assert.AreEqual(4, row);
    }
}
