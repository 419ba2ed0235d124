using System.CommandLine;
using MagNet.ML;
using MagNet.ML.Modeling;

namespace MagNet.Cli.Commands;

/// <summary>
/// <c>magnet manifest --preset MagNet-B | --config CONFIG.json</c>: prints one line per state-dict entry of the model,
/// <c>name&lt;TAB&gt;shape</c> (shape as comma-separated sizes), in the official checkpoint's order.
/// </summary>
internal static class ManifestCommand
{
    public static Command Create()
    {
        var preset = new Option<string?>("--preset") { Description = "MagNet-B (the released model) or MagNet-Tiny." };
        var config = new Option<string?>("--config") { Description = "A configuration JSON file (ours, or an official-parity config.json)." };
        var command = new Command("manifest", "Print the model's state-dict layout: name<TAB>shape per entry.") { preset, config };
        command.SetAction(result =>
        {
            var cfg = ModelConfigOptions.Resolve(result.GetValue(preset), result.GetValue(config));
            foreach (var line in MagNetManifest.Lines(cfg)) result.InvocationConfiguration.Output.WriteLine(line);
            return 0;
        });
        return command;
    }
}
