namespace MagNet.ML.Tests;

[TestClass]
public sealed class NativeAllocatorTests
{
    [TestMethod]
    public void GlibcAcceptsTheSettingsOnLinux()
    {
        // mallopt returns 1 only for values glibc accepts; this runtime's Linux images use glibc.
        Assert.AreEqual(OperatingSystem.IsLinux(), NativeAllocator.KeepFreedMemoryForReuse());
    }

    [TestMethod]
    public void ValuesGlibcWouldRefuseAreRejectedByName()
    {
        var tooLarge = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => NativeAllocator.KeepFreedMemoryForReuse(mmapThreshold: NativeAllocator.DefaultMmapThreshold + 1));
        Assert.AreEqual("mmapThreshold", tooLarge.ParamName);
        var negative = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => NativeAllocator.KeepFreedMemoryForReuse(trimThreshold: -1));
        Assert.AreEqual("trimThreshold", negative.ParamName);
    }
}
