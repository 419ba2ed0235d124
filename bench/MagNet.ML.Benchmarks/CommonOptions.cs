using System.CommandLine;
using System.Globalization;

namespace MagNet.ML.Benchmarks;

/// <summary>Options shared by the benchmark commands, and their parsing.</summary>
internal static class CommonOptions
{
    public static Option<string> Threads(string defaultValue) => new("--threads")
    {
        Description = "Comma-separated intra-op thread counts to run with (torch.set_num_threads), e.g. 1,2.",
        DefaultValueFactory = _ => defaultValue,
    };

    public static Option<string> Models(string defaultValue) => new("--models")
    {
        Description = $"Comma-separated models: {string.Join(", ", BenchmarkModel.Known.Keys)} (random weights).",
        DefaultValueFactory = _ => defaultValue,
    };

    public static Option<int> Repeat(int defaultValue) => new("--repeat")
    {
        Description = "Timed forward passes per model and thread count.",
        DefaultValueFactory = _ => defaultValue,
    };

    public static Option<int> Warmup() => new("--warmup")
    {
        Description = "Untimed forward passes before timing, per model and thread count.",
        DefaultValueFactory = _ => 1,
    };

    public static Option<FileInfo?> Results() => new("--results")
    {
        Description = "Markdown file whose section for this command is replaced (default: bench/RESULTS.md of this repository).",
    };

    public static Option<bool> NoWrite() => new("--no-write")
    {
        Description = "Only print; do not touch the results file.",
    };

    public static int[] ParseThreads(string text)
    {
        var counts = Split(text).Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n : throw new ArgumentException($"--threads: '{s}' is not a positive thread count.")).ToArray();
        return counts.Length > 0 ? counts : throw new ArgumentException("--threads: give at least one thread count.");
    }

    public static string[] ParseModels(string text)
    {
        var names = Split(text).ToArray();
        foreach (var name in names)
            if (!BenchmarkModel.Known.ContainsKey(name))
                throw new ArgumentException($"--models: unknown model '{name}'; use {string.Join(", ", BenchmarkModel.Known.Keys)}.");
        return names.Length > 0 ? names : throw new ArgumentException("--models: give at least one model.");
    }

    public static void RequirePositive(int value, string option)
    {
        if (value < 1) throw new ArgumentException($"{option} must be at least 1; got {value}.");
    }

    public static void RequireNonNegative(int value, string option)
    {
        if (value < 0) throw new ArgumentException($"{option} must be 0 or more; got {value}.");
    }

    /// <summary>The command line as typed, for the report.</summary>
    public static string CommandLine(string[] args) =>
        "dotnet run -c Release --project bench/MagNet.ML.Benchmarks -- " + string.Join(" ", args);

    private static IEnumerable<string> Split(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
