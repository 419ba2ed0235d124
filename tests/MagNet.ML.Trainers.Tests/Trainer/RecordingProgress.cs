namespace MagNet.ML.Tests.Trainer;

/// <summary>Collects progress reports synchronously on the training thread (unlike <see cref="Progress{T}"/>, which posts).</summary>
internal sealed class RecordingProgress(Action<MagNetTrainingProgress>? onReport = null) : IProgress<MagNetTrainingProgress>
{
    public List<MagNetTrainingProgress> Reports { get; } = [];

    public IEnumerable<MagNetTrainingProgress> Steps => Reports.Where(r => !r.IsValidation);

    public void Report(MagNetTrainingProgress value)
    {
        Reports.Add(value);
        onReport?.Invoke(value);
    }
}
