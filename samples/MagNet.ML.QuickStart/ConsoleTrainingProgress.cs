using System.Globalization;

namespace MagNet.ML.QuickStart;

/// <summary>
/// Shows training progress: a carriage-return bar on a terminal, one line per report (every 50 steps and each
/// validation) when the output is redirected. Keeps the loss and validation points for the curve plot.
/// </summary>
internal sealed class ConsoleTrainingProgress : IProgress<MagNetTrainingProgress>
{
    private readonly bool _interactive = !Console.IsOutputRedirected;
    private long _lastLine = -1;

    public List<(long Step, double Loss)> Losses { get; } = [];

    public List<(long Step, int Epoch, double OverallIoU)> Validations { get; } = [];

    public void Report(MagNetTrainingProgress p)
    {
        var c = CultureInfo.InvariantCulture;
        if (p.IsValidation)
        {
            Validations.Add((p.Step, p.Epoch, p.ValidationOverallIoU ?? double.NaN));
            if (_interactive) Console.WriteLine();
            Console.WriteLine(string.Format(c, "  epoch {0}: val oIoU {1:F4} (best {2:F4})  [{3:mm\\:ss}]",
                p.Epoch, p.ValidationOverallIoU, p.BestValidationOverallIoU, p.Elapsed));
            return;
        }
        Losses.Add((p.Step, p.Loss));
        double fraction = (double)p.Step / Math.Max(1, p.TotalSteps);
        double perStep = p.Elapsed.TotalSeconds / Math.Max(1, p.Step);
        string text = string.Format(c, "epoch {0} step {1}/{2} loss {3:F3} (seg {4:F3} mg {5:F3} cal {6:F3}) lr {7:G3} {8:F2} s/step",
            p.Epoch, p.Step, p.TotalSteps, p.Loss, p.SegmentationLoss, p.MaskGroundingLoss, p.AlignmentLoss, p.LearningRate, perStep);
        if (_interactive)
        {
            const int width = 24;
            int filled = (int)Math.Round(fraction * width);
            Console.Write($"\r  [{new string('#', filled)}{new string('.', width - filled)}] {text}   ");
        }
        else if (_lastLine < 0 || p.Step - _lastLine >= 50 || p.Step == p.TotalSteps)
        {
            _lastLine = p.Step;
            Console.WriteLine("  " + text + string.Format(c, " [{0:mm\\:ss}]", p.Elapsed));
        }
    }
}
