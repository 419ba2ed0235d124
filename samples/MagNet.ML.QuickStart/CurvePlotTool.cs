using System.Diagnostics;
using System.Reflection;

namespace MagNet.ML.QuickStart;

/// <summary>
/// Runs MagNet.ML.QuickStart.Plot (built with the quick start) to draw the curve CSV as a PNG. It is a separate
/// process because ScottPlot 5 needs SkiaSharp 3 and ML.NET's image type needs SkiaSharp 2.88 in this one.
/// </summary>
internal static class CurvePlotTool
{
    /// <summary>Draws <paramref name="csvPath"/> into <paramref name="pngPath"/> under <paramref name="title"/>; returns null on success, else why not.</summary>
    public static string? Draw(string csvPath, string pngPath, string title)
    {
        string? dll = typeof(CurvePlotTool).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "PlotTool")?.Value;
        if (dll is null || !File.Exists(dll)) return $"the plotting tool was not found at '{dll}'";
        string host = Path.ChangeExtension(dll, null);
        var start = File.Exists(host) ? new ProcessStartInfo(host) : new ProcessStartInfo("dotnet") { ArgumentList = { dll } };
        start.ArgumentList.Add(csvPath);
        start.ArgumentList.Add(pngPath);
        start.ArgumentList.Add(title);
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        using var process = Process.Start(start)!;
        string errors = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            return "the plotting tool did not finish within two minutes";
        }
        return process.ExitCode == 0 ? null : $"the plotting tool failed (exit {process.ExitCode}): {errors.Trim()}";
    }
}
