using System.Globalization;

namespace MagNet.Cli;

/// <summary>
/// Shows <c>magnet train</c>'s progress: on a terminal a carriage-return bar (epoch, step, loss, learning rate, time
/// left); when the output is redirected (a file, a pipe, a test) no bar, only a line per validation and per tenth of
/// the run.
/// </summary>
internal sealed class TrainingProgressBar(TextWriter output, bool interactive) : IProgress<MagNet.ML.MagNetTrainingProgress>
{
    private const int Width = 30;
    private long _lastLineStep = -1;
    private bool _barShown;

    /// <summary>True when <paramref name="output"/> is the console and the console is a terminal.</summary>
    public static bool IsInteractive(TextWriter output) => ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

    /// <summary>The best validation oIoU reported so far, or null.</summary>
    public double? BestValidationOverallIoU { get; private set; }

    public void Report(MagNet.ML.MagNetTrainingProgress p)
    {
        var c = CultureInfo.InvariantCulture;
        if (p.IsValidation)
        {
            BestValidationOverallIoU = p.BestValidationOverallIoU;
            EndBar();
            output.WriteLine(string.Format(c, "epoch {0}: validation oIoU {1:F4} (best {2:F4})", p.Epoch, p.ValidationOverallIoU, p.BestValidationOverallIoU));
            return;
        }
        double fraction = p.TotalSteps == 0 ? 1 : (double)p.Step / p.TotalSteps;
        var left = p.Step == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(p.Elapsed.TotalSeconds / p.Step * (p.TotalSteps - p.Step));
        string status = string.Format(c, "epoch {0} step {1}/{2} loss {3:F4} lr {4:G3} elapsed {5:hh\\:mm\\:ss} left {6:hh\\:mm\\:ss}",
            p.Epoch, p.Step, p.TotalSteps, p.Loss, p.LearningRate, p.Elapsed, left);
        if (interactive)
        {
            int filled = (int)Math.Round(fraction * Width);
            output.Write($"\r[{new string('#', filled)}{new string('-', Width - filled)}] {status} ");
            _barShown = true;
            return;
        }
        long every = Math.Max(1, p.TotalSteps / 10);
        if (_lastLineStep < 0 || p.Step - _lastLineStep >= every || p.Step == p.TotalSteps)
        {
            _lastLineStep = p.Step;
            output.WriteLine(status);
        }
    }

    /// <summary>Ends the bar's line so that the next output starts on a fresh one.</summary>
    public void EndBar()
    {
        if (!_barShown) return;
        output.WriteLine();
        _barShown = false;
    }
}
