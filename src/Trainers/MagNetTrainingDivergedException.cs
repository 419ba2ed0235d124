namespace MagNet.ML;

/// <summary>
/// Training stopped because the loss or the weights stopped being finite (NaN or infinity). The last checkpoint
/// written before it (<see cref="CheckpointPath"/>, at <see cref="CheckpointStep"/>) holds finite weights; lower the
/// learning rate or set <see cref="MagNetTrainer.Options.GradientClipNorm"/> and resume from it.
/// </summary>
public sealed class MagNetTrainingDivergedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was not finite, at which step.</param>
    /// <param name="step">The step at which training stopped (1-based count of the step that failed).</param>
    /// <param name="checkpointPath">The checkpoint kept, or null when checkpoints are off.</param>
    /// <param name="checkpointStep">The completed steps in that checkpoint, or null.</param>
    public MagNetTrainingDivergedException(string message, long step, string? checkpointPath, long? checkpointStep) : base(message)
    {
        Step = step;
        CheckpointPath = checkpointPath;
        CheckpointStep = checkpointStep;
    }

    /// <summary>The step at which training stopped.</summary>
    public long Step { get; }

    /// <summary>The last good checkpoint, or null when there is none.</summary>
    public string? CheckpointPath { get; }

    /// <summary>Completed steps in <see cref="CheckpointPath"/>, or null.</summary>
    public long? CheckpointStep { get; }
}
