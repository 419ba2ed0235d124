using System.CommandLine;

namespace MagNet.Cli.Commands;

/// <summary>The <c>magnet evaluate</c> command (not implemented yet).</summary>
internal static class EvaluateCommand
{
    public static Command Create() => new("evaluate", "Not implemented yet.");
}
