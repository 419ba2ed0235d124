namespace MagNet.ML;

/// <summary>
/// The generator's own pseudo-random stream: PCG32 (XSH-RR, O'Neill 2014), seeded through SplitMix64 from a
/// (seed, stream, index) triple. Its output is fixed by this code alone — unlike <see cref="Random"/>, whose
/// algorithm is unspecified — so a synthetic row depends only on the seed, its split and its index.
/// </summary>
internal sealed class SyntheticRandom
{
    private const ulong Multiplier = 6364136223846793005UL;
    private ulong _state;
    private readonly ulong _increment;

    /// <summary>PCG32 with the reference seeding <c>pcg32_srandom_r(initState, initSequence)</c>.</summary>
    public SyntheticRandom(ulong initState, ulong initSequence)
    {
        _increment = (initSequence << 1) | 1UL;
        _state = 0;
        NextUInt();
        _state += initState;
        NextUInt();
    }

    /// <summary>A stream for item <paramref name="index"/> of stream <paramref name="stream"/> under <paramref name="seed"/>.</summary>
    public static SyntheticRandom ForItem(ulong seed, ulong stream, ulong index)
    {
        ulong mixer = seed;
        ulong a = SplitMix64(ref mixer);
        mixer = a ^ (stream * 0xD1B54A32D192ED03UL);
        ulong b = SplitMix64(ref mixer);
        mixer = b ^ (index * 0xAEF17502108EF2D9UL);
        ulong state = SplitMix64(ref mixer);
        ulong sequence = SplitMix64(ref mixer);
        return new SyntheticRandom(state, sequence);
    }

    /// <summary>One SplitMix64 step (Steele, Lea and Flood 2014): advances <paramref name="x"/> and returns the mixed value.</summary>
    public static ulong SplitMix64(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        ulong z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 32 uniformly distributed bits.</summary>
    public uint NextUInt()
    {
        ulong old = _state;
        _state = unchecked(old * Multiplier + _increment);
        uint xorShifted = (uint)(((old >> 18) ^ old) >> 27);
        int rotation = (int)(old >> 59);
        return (xorShifted >> rotation) | (xorShifted << ((-rotation) & 31));
    }

    /// <summary>A 64-bit value built from two draws (used to seed derived streams).</summary>
    public ulong NextULong() => ((ulong)NextUInt() << 32) | NextUInt();

    /// <summary>A uniform integer in [0, <paramref name="exclusiveMax"/>) by rejection (no modulo bias).</summary>
    public int NextInt(int exclusiveMax)
    {
        if (exclusiveMax <= 0) throw new ArgumentOutOfRangeException(nameof(exclusiveMax), "The range must be positive.");
        uint bound = (uint)exclusiveMax;
        uint threshold = (uint)(-(int)bound) % bound; // 2^32 mod bound
        while (true)
        {
            uint r = NextUInt();
            if (r >= threshold) return (int)(r % bound);
        }
    }

    /// <summary>A uniform integer in [<paramref name="min"/>, <paramref name="max"/>] (both inclusive).</summary>
    public int NextInt(int min, int max) => min + NextInt(max - min + 1);

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform double in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public double NextDouble(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => NextDouble() < p;

    /// <summary>One element of <paramref name="items"/>, uniformly.</summary>
    public T Pick<T>(IReadOnlyList<T> items) => items[NextInt(items.Count)];

    /// <summary>An index drawn with probability proportional to <paramref name="weights"/>.</summary>
    public int PickWeighted(IReadOnlyList<double> weights)
    {
        double total = 0;
        foreach (double w in weights) total += w;
        double u = NextDouble() * total;
        for (int i = 0; i < weights.Count; i++)
        {
            u -= weights[i];
            if (u < 0) return i;
        }
        return weights.Count - 1;
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates).</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
