namespace MagNet.ML.Tests;

[TestClass]
public sealed class BinaryMaskTests
{
    [TestMethod]
    public void PngRoundTripKeepsEveryPixel()
    {
        var mask = new BinaryMask(5, 3);
        mask[0, 0] = true; mask[4, 2] = true; mask[2, 1] = true;
        string path = Path.Combine(Path.GetTempPath(), $"mask-{Guid.NewGuid():N}.png");
        try
        {
            mask.SavePng(path);
            var back = BinaryMask.LoadImage(path);
            Assert.AreEqual(5, back.Width);
            Assert.AreEqual(3, back.Height);
            CollectionAssert.AreEqual(mask.Data, back.Data);
            Assert.AreEqual(3L, back.Area);
        }
        finally { File.Delete(path); }
    }

    [TestMethod]
    public void MLImageRoundTripKeepsEveryPixel()
    {
        var mask = new BinaryMask(4, 2, new byte[] { 0, 1, 0, 1, 1, 1, 0, 0 });
        using var image = mask.ToMLImage();
        CollectionAssert.AreEqual(mask.Data, BinaryMask.FromMLImage(image).Data);
    }

    [TestMethod]
    public void CorruptFileGivesAnErrorNamingIt()
    {
        string path = Path.Combine(Path.GetTempPath(), $"corrupt-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(path, new byte[] { 1, 2, 3, 4 });
        try
        {
            var e = Assert.ThrowsExactly<InvalidDataException>(() => BinaryMask.LoadImage(path));
            StringAssert.Contains(e.Message, path);
        }
        finally { File.Delete(path); }
    }
}
