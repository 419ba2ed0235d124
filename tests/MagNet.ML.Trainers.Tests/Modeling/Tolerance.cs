namespace MagNet.ML.Tests.Modeling;

/// <summary>A comparer for <c>CollectionAssert.AreEqual</c> on floats: equal when within an absolute tolerance.</summary>
internal sealed class Tolerance(float tolerance) : System.Collections.IComparer
{
    public int Compare(object? x, object? y) => Math.Abs((float)x! - (float)y!) <= tolerance ? 0 : 1;
}
