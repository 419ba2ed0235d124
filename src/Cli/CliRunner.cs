using System.CommandLine;

namespace MagNet.Cli;

/// <summary>Runs a command line and turns failures into one clear message and an exit code.</summary>
public static class CliRunner
{
    /// <summary>Parses and invokes <paramref name="args"/>; errors are written to <paramref name="error"/>.</summary>
    public static int Run(RootCommand root, string[] args, TextWriter output, TextWriter error)
    {
        var parse = root.Parse(args);
        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return parse.Invoke(config);
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException or DirectoryNotFoundException
                                      or ArgumentException or InvalidOperationException or IOException or FormatException)
        {
            error.WriteLine($"magnet: error: {e.Message}");
            return 1;
        }
    }
}
