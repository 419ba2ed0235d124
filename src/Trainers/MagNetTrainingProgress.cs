namespace MagNet.ML;

/// <summary>
/// A progress report of <see cref="MagNetTrainer"/>: sent every <see cref="MagNetTrainer.Options.LogEveryNSteps"/>
/// steps (loss parts averaged over the steps since the previous report) and after each validation
/// (<see cref="IsValidation"/> true). Reported on the training thread.
/// </summary>
public sealed record MagNetTrainingProgress
{
    /// <summary>1-based epoch the step belongs to.</summary>
    public int Epoch { get; init; }

    /// <summary>Optimisation steps completed so far in the whole run.</summary>
    public long Step { get; init; }

    /// <summary>Steps of the whole run (epochs × batches per epoch).</summary>
    public long TotalSteps { get; init; }

    /// <summary>Total loss L = L_seg + w_MG·L_MG + L_CAL, mean over the steps since the previous report.</summary>
    public double Loss { get; init; }

    /// <summary>Segmentation loss L_seg (every decoder output), mean over the same steps.</summary>
    public double SegmentationLoss { get; init; }

    /// <summary>Mask Grounding loss L_MG, unweighted (0 when Mask Grounding is off).</summary>
    public double MaskGroundingLoss { get; init; }

    /// <summary>Cross-modal alignment loss L_CAL, its term weights included (0 when CAL is off).</summary>
    public double AlignmentLoss { get; init; }

    /// <summary>Learning rate of the last step (poly schedule).</summary>
    public double LearningRate { get; init; }

    /// <summary>True for the report of a validation pass.</summary>
    public bool IsValidation { get; init; }

    /// <summary>The most recent validation oIoU (ΣI/ΣU at the network resolution), or null before the first validation.</summary>
    public double? ValidationOverallIoU { get; init; }

    /// <summary>The best validation oIoU so far, or null.</summary>
    public double? BestValidationOverallIoU { get; init; }

    /// <summary>Training time so far (across resumed runs).</summary>
    public TimeSpan Elapsed { get; init; }
}
