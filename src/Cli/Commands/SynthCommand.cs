using System.CommandLine;
using MagNet.ML;

namespace MagNet.Cli.Commands;

/// <summary>
/// <c>magnet synth --out DIR --count N --seed S [--size 128] [--split train|val|test|test-compositional|test-rare|all]
/// [--multi-target F] [--no-target F] [--expressions-per-scene K]</c>: writes the synthetic relational set
/// (DIR/images, DIR/masks, DIR/data.jsonl). The same arguments always write byte-identical files.
/// </summary>
internal static class SynthCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out", "-o")
        {
            Description = "Folder to write images/, masks/ and data.jsonl into (created if missing; files of the same names are replaced).",
            Required = true,
        };
        var count = new Option<int>("--count", "-n") { Description = "Rows (expressions) per split.", Required = true };
        var seed = new Option<int>("--seed", "-s") { Description = "Seed; the same seed gives byte-identical files.", Required = true };
        var size = new Option<int>("--size") { Description = "Image side in pixels (at least 64).", DefaultValueFactory = _ => 128 };
        var split = new Option<string>("--split")
        {
            Description = "train, val, test, test-compositional, test-rare, a comma-separated list of them, or all.",
            DefaultValueFactory = _ => SyntheticSplits.Train,
        };
        var multiTarget = new Option<double>("--multi-target") { Description = "Fraction of rows with two or more targets (default 0)." };
        var noTarget = new Option<double>("--no-target") { Description = "Fraction of rows whose referent is absent, with an empty mask (default 0)." };
        var perScene = new Option<int>("--expressions-per-scene")
        {
            Description = "Distinct expressions written per image (default 1).",
            DefaultValueFactory = _ => 1,
        };

        var command = new Command("synth", "Write the synthetic relational referring set (CLEVR-Ref+-style 2-D scenes with exact masks).")
        {
            output, count, seed, size, split, multiTarget, noTarget, perScene,
        };
        command.SetAction(result =>
        {
            string directory = result.GetValue(output)!;
            var options = new SyntheticReferringDataset.Options
            {
                Seed = result.GetValue(seed),
                Count = result.GetValue(count),
                Size = result.GetValue(size),
                Split = result.GetValue(split)!,
                MultiTargetFraction = result.GetValue(multiTarget),
                NoTargetFraction = result.GetValue(noTarget),
                ExpressionsPerScene = result.GetValue(perScene),
            };
            SyntheticReferringDataset dataset;
            try
            {
                dataset = new SyntheticReferringDataset(options);
            }
            catch (ArgumentException e)
            {
                // Name the command-line flag rather than the option field.
                string flag = FlagOf(e.ParamName);
                string message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
                throw new ArgumentException($"synth {flag}: {message}", e);
            }
            var rows = dataset.WriteTo(directory);
            var perSplit = rows.GroupBy(r => r.Split).Select(g => $"{g.Key} {g.Count()}");
            result.InvocationConfiguration.Output.WriteLine(
                $"Wrote {rows.Count} rows ({string.Join(", ", perSplit)}) to {Path.GetFullPath(directory)}");
            return 0;
        });
        return command;
    }

    private static string FlagOf(string? option) => option switch
    {
        nameof(SyntheticReferringDataset.Options.Seed) => "--seed",
        nameof(SyntheticReferringDataset.Options.Size) => "--size",
        nameof(SyntheticReferringDataset.Options.Count) => "--count",
        nameof(SyntheticReferringDataset.Options.Split) => "--split",
        nameof(SyntheticReferringDataset.Options.MultiTargetFraction) => "--multi-target",
        nameof(SyntheticReferringDataset.Options.NoTargetFraction) => "--no-target",
        nameof(SyntheticReferringDataset.Options.ExpressionsPerScene) => "--expressions-per-scene",
        _ => "options",
    };
}
