using System.CommandLine;

namespace MagNet.Cli.Commands;

/// <summary>The <c>magnet convert-refer</c> command (not implemented yet).</summary>
internal static class ConvertReferCommand
{
    public static Command Create() => new("convert-refer", "Not implemented yet.");
}
