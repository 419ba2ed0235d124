namespace MagNet.ML.Ablation;

/// <summary>What one (variant, seed) run measured; one JSON line in the results file.</summary>
internal sealed record AblationResult
{
    /// <summary>JSON settings: NaN (too few steps to time) is written as a named literal.</summary>
    public static readonly System.Text.Json.JsonSerializerOptions Json = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public required string Variant { get; init; }
    public required int Seed { get; init; }
    public required int Threads { get; init; }
    public required int TrainRows { get; init; }
    public required int Epochs { get; init; }
    public required long Steps { get; init; }
    /// <summary>Seconds per optimisation step, between the first and the last progress report (no start-up, no evaluation).</summary>
    public required double StepSeconds { get; init; }
    /// <summary>Seconds per row of inference over the val split (Transform + reading the outputs).</summary>
    public required double InferenceSecondsPerRow { get; init; }
    public required long ModelFileBytes { get; init; }
    /// <summary>Names of the saved weights, hashed (equal sets give equal hashes).</summary>
    public required string WeightKeysHash { get; init; }
    /// <summary>Split or subset name → metrics (oIoU, mIoU, P@0.5..0.9 as fractions, count).</summary>
    public required Dictionary<string, Dictionary<string, double>> Metrics { get; init; }
}
