namespace MagNet.ML.Tests;

[TestClass]
public sealed class OpenMpWaitPolicyTests
{
    [TestMethod]
    public void SetsPassiveOnceAndNeverOverwritesAValue()
    {
        if (!OperatingSystem.IsLinux()) { Assert.IsFalse(OpenMpWaitPolicy.PreferPassive()); return; }
        string? before = OpenMpWaitPolicy.Current;
        bool set = OpenMpWaitPolicy.PreferPassive();

        Assert.AreEqual(before is null, set, "it sets the variable exactly when it was unset");
        Assert.AreEqual(before ?? "PASSIVE", OpenMpWaitPolicy.Current, "a value set before wins");
        Assert.IsFalse(OpenMpWaitPolicy.PreferPassive(), "a second call finds the variable set");
    }
}
