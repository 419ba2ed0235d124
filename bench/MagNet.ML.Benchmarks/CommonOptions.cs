using System.CommandLine;
using System.Globalization;

namespace MagNet.ML.Benchmarks;

/// <summary>
/// What a forward-pass timing command does once its options are parsed: thread counts, model names, timed and untimed
/// passes, the results file (null: print only), the command line to quote and where to write.
/// </summary>
internal delegate void ForwardTimingRun(int[] threadCounts, string[] modelNames, int repeat, int warmup, string? resultsPath, string commandLine, TextWriter output);

/// <summary>Options shared by the benchmark commands, and their parsing.</summary>
internal static class CommonOptions
{
    /// <summary>
    /// A command with the options every forward-pass timing command takes (<c>--threads --models --repeat --warmup
    /// --results --no-write</c>), validated, then handed to <paramref name="run"/>.
    /// </summary>
    public static Command ForwardTimingCommand(string name, string description, string[] args, string defaultThreads, string defaultModels,
        int defaultRepeat, ForwardTimingRun run)
    {
        var threads = Threads(defaultThreads);
        var models = Models(defaultModels);
        var repeat = Repeat(defaultRepeat);
        var warmup = Warmup();
        var results = Results();
        var noWrite = NoWrite();
        var command = new Command(name, description) { threads, models, repeat, warmup, results, noWrite };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(repeat), w = parse.GetValue(warmup);
            RequirePositive(n, "--repeat");
            RequireNonNegative(w, "--warmup");
            string? path = parse.GetValue(noWrite) ? null : parse.GetValue(results)?.FullName ?? ResultsFile.DefaultPath();
            run(ParseThreads(parse.GetValue(threads)!), ParseModels(parse.GetValue(models)!), n, w, path, CommandLine(args),
                parse.InvocationConfiguration.Output);
            return 0;
        });
        return command;
    }

    public static Option<string> Threads(string defaultValue, string description = "Comma-separated intra-op thread counts to run with (torch.set_num_threads), e.g. 1,2.") => new("--threads")
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
    };

    public static Option<string> Models(string defaultValue) => new("--models")
    {
        Description = $"Comma-separated models: {string.Join(", ", BenchmarkModel.Known.Keys)} (random weights).",
        DefaultValueFactory = _ => defaultValue,
    };

    public static Option<int> Repeat(int defaultValue, string description = "Timed forward passes per model and thread count.") => new("--repeat")
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
    };

    public static Option<int> Warmup(string description = "Untimed forward passes before timing, per model and thread count.") => new("--warmup")
    {
        Description = description,
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

    public static int[] ParseThreads(string text) => ParsePositive(text, "--threads", "thread count");

    /// <summary>A comma-separated list of positive integers given to <paramref name="option"/>, e.g. <c>1,8</c>.</summary>
    public static int[] ParsePositive(string text, string option, string what)
    {
        var counts = Split(text).Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n : throw new ArgumentException($"{option}: '{s}' is not a positive {what}.")).ToArray();
        return counts.Length > 0 ? counts : throw new ArgumentException($"{option}: give at least one {what}.");
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
