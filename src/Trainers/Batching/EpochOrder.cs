namespace MagNet.ML.Batching;

/// <summary>
/// The order rows are visited in each epoch: a Fisher–Yates permutation drawn from a <see cref="Random"/> seeded with
/// the training seed and the epoch number, so it is the same in every run (and in a resumed run) with that seed.
/// </summary>
internal static class EpochOrder
{
    /// <summary>The permutation of 0..<paramref name="count"/>−1 for <paramref name="epoch"/>.</summary>
    public static int[] Permutation(int count, int seed, int epoch)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        var random = new Random(unchecked(seed * 1_000_003 + epoch * 7_919 + 17));
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
