using System.Text.Json.Serialization;

namespace MagNet.ML.Checkpoints;

/// <summary>
/// The <c>state.json</c> of a training checkpoint: where the run stands (completed steps, validated epochs, best
/// validation result), the random generators' states and the hash of the options and data it was trained with.
/// </summary>
internal sealed class CheckpointState
{
    /// <summary>The format name written in every checkpoint.</summary>
    public const string FormatName = "MagNet.ML.Checkpoint";

    /// <summary>The format version this build writes and reads.</summary>
    public const int CurrentVersion = 1;

    [JsonPropertyName("format")] public string Format { get; set; } = FormatName;

    [JsonPropertyName("format_version")] public int FormatVersion { get; set; } = CurrentVersion;

    /// <summary>SHA-256 of everything that decides the training trajectory (options, configuration, data).</summary>
    [JsonPropertyName("options_hash")] public string OptionsHash { get; set; } = "";

    /// <summary>Optimisation steps completed.</summary>
    [JsonPropertyName("step")] public long Step { get; set; }

    /// <summary>Steps of the whole run.</summary>
    [JsonPropertyName("total_steps")] public long TotalSteps { get; set; }

    /// <summary>Steps per epoch.</summary>
    [JsonPropertyName("steps_per_epoch")] public long StepsPerEpoch { get; set; }

    /// <summary>Epochs whose validation has run (and whose best-model update is in this checkpoint).</summary>
    [JsonPropertyName("validated_epochs")] public int ValidatedEpochs { get; set; }

    /// <summary>Best validation oIoU so far, or null.</summary>
    [JsonPropertyName("best_overall_iou")] public double? BestOverallIoU { get; set; }

    /// <summary>1-based epoch of the best validation result (0: none).</summary>
    [JsonPropertyName("best_epoch")] public int BestEpoch { get; set; }

    /// <summary>Most recent validation oIoU, or null.</summary>
    [JsonPropertyName("last_overall_iou")] public double? LastOverallIoU { get; set; }

    /// <summary>Training time spent before this checkpoint, in seconds.</summary>
    [JsonPropertyName("elapsed_seconds")] public double ElapsedSeconds { get; set; }

    /// <summary>State of torch's default generator (dropout, drop path), base64.</summary>
    [JsonPropertyName("torch_rng_state")] public string TorchRngState { get; set; } = "";

    /// <summary>State of the trainer's own generator (token masking, pixel and point sampling), base64.</summary>
    [JsonPropertyName("training_rng_state")] public string TrainingRngState { get; set; } = "";

    /// <summary>When the checkpoint was written (UTC, ISO 8601).</summary>
    [JsonPropertyName("written_utc")] public string WrittenUtc { get; set; } = "";
}
