using System.CommandLine;
using MagNet.Cli.Commands;

namespace MagNet.Cli;

/// <summary>Entry point of the <c>magnet</c> command-line tool.</summary>
public static class Program
{
    /// <summary>Builds the command tree; tests call this to run commands in-process.</summary>
    public static RootCommand BuildRootCommand()
    {
        var root = new RootCommand("MagNet.ML — referring image segmentation (MagNet, CVPR 2024) for .NET.");
        root.Subcommands.Add(SynthCommand.Create());
        root.Subcommands.Add(ConvertReferCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(ManifestCommand.Create());
        root.Subcommands.Add(RunTensorsCommand.Create());
        root.Subcommands.Add(ExportOnnxCommand.Create());
        return root;
    }

    /// <summary>Runs the tool. Exit code 0 on success, 1 on a reported error, 2 on a usage error.</summary>
    public static int Main(string[] args)
    {
        MagNet.ML.OpenMpWaitPolicy.PreferPassive(); // before libtorch loads; see its remarks
        return CliRunner.Run(BuildRootCommand(), args, Console.Out, Console.Error);
    }
}
