namespace MagNet.ML.Tests.Synthetic;

[TestClass]
public sealed class SyntheticRandomTests
{
    [TestMethod]
    public void SplitMix64MatchesThePublishedSequence()
    {
        // Reference outputs of splitmix64.c (Vigna) for the seed 1234567.
        ulong state = 1234567;
        ulong[] expected = [6457827717110365317UL, 3203168211198807973UL, 9817491932198370423UL, 4593380528125082431UL, 16408922859458223821UL];
        foreach (ulong value in expected) Assert.AreEqual(value, SyntheticRandom.SplitMix64(ref state));
    }

    [TestMethod]
    public void Pcg32MatchesTheReferenceDemo()
    {
        // pcg32-demo of the PCG reference implementation: pcg32_srandom_r(&rng, 42, 54), first six outputs.
        var rng = new SyntheticRandom(42, 54);
        uint[] expected = [0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e];
        foreach (uint value in expected) Assert.AreEqual(value, rng.NextUInt());
    }

    [TestMethod]
    public void BoundedDrawsStayInRangeAndCoverIt()
    {
        var rng = SyntheticRandom.ForItem(5, 1, 0);
        var seen = new int[7];
        for (int i = 0; i < 7000; i++) seen[rng.NextInt(7)]++;
        // Each bucket expects 1000; 5 standard deviations is about ±150.
        foreach (int n in seen) Assert.IsTrue(n is > 850 and < 1150, $"bucket count {n}");
        for (int i = 0; i < 1000; i++)
        {
            int v = rng.NextInt(-3, 3);
            Assert.IsTrue(v is >= -3 and <= 3);
            double d = rng.NextDouble();
            Assert.IsTrue(d is >= 0 and < 1);
        }
    }

    [TestMethod]
    public void StreamsDependOnSeedStreamAndIndex()
    {
        uint First(ulong seed, ulong stream, ulong index) => SyntheticRandom.ForItem(seed, stream, index).NextUInt();
        Assert.AreEqual(First(1, 2, 3), First(1, 2, 3));
        var values = new HashSet<uint> { First(1, 2, 3), First(2, 2, 3), First(1, 3, 3), First(1, 2, 4) };
        Assert.HasCount(4, values);
    }
}
