using System.CommandLine;

namespace MagNet.Cli.Commands;

/// <summary>The <c>magnet synth</c> command (not implemented yet).</summary>
internal static class SynthCommand
{
    public static Command Create() => new("synth", "Not implemented yet.");
}
