using System.Globalization;
using System.Text;

namespace MagNet.ML.QuickStart;

/// <summary>
/// The training curve as a CSV file (<c>kind,step,epoch,value</c>: <c>loss</c> rows every few steps, <c>val_oiou</c> rows
/// per epoch), which the plotting tool turns into a PNG.
/// </summary>
internal static class TrainingCurve
{
    public static void WriteCsv(string path, IReadOnlyList<(long Step, double Loss)> losses, IReadOnlyList<(long Step, int Epoch, double OverallIoU)> validations)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder("kind,step,epoch,value\n");
        foreach (var (step, loss) in losses) sb.Append(c, $"loss,{step},,{loss:R}\n");
        foreach (var (step, epoch, iou) in validations) sb.Append(c, $"val_oiou,{step},{epoch},{iou:R}\n");
        File.WriteAllText(path, sb.ToString());
    }
}
