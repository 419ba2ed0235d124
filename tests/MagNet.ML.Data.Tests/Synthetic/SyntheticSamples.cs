namespace MagNet.ML.Tests.Synthetic;

/// <summary>Small generated sets shared by the tests (generated once per test run).</summary>
internal static class SyntheticSamples
{
    private static readonly Lazy<IReadOnlyList<ReferringRecord>> MixedTrain = new(() => Generate(SyntheticSplits.Train, 160, 0.15, 0.1));
    private static readonly Lazy<IReadOnlyList<ReferringRecord>> EverySplit = new(() => Generate(SyntheticSplits.All, 50, 0.1, 0.1));

    /// <summary>160 train rows with 15 % multi-target and 10 % no-target rows (seed 11).</summary>
    public static IReadOnlyList<ReferringRecord> Train => MixedTrain.Value;

    /// <summary>50 rows of each of the five splits, 10 % multi-target and 10 % no-target (seed 11).</summary>
    public static IReadOnlyList<ReferringRecord> AllSplits => EverySplit.Value;

    public static IReadOnlyList<ReferringRecord> Generate(string split, int count, double multi, double none, int seed = 11) =>
        new SyntheticReferringDataset(new SyntheticReferringDataset.Options
        {
            Seed = seed,
            Count = count,
            Split = split,
            MultiTargetFraction = multi,
            NoTargetFraction = none,
        }).Generate();

    public static SceneFacts Scene(ReferringRecord record) => SceneFacts.Parse(record.Extras[SyntheticReferringDataset.SceneKey]);

    public static int[] TargetIds(ReferringRecord record) =>
        System.Text.Json.JsonSerializer.Deserialize<int[]>(record.Extras[SyntheticReferringDataset.TargetIdsKey])!;
}
