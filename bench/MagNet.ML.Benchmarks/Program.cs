using System.CommandLine;

namespace MagNet.ML.Benchmarks;

/// <summary>
/// Benchmarks of MagNet.ML (not run by CI). Run from the repository root:
/// <c>dotnet run -c Release --project bench/MagNet.ML.Benchmarks -- forward [--threads 1,2] [--repeat N] [--models B,Tiny]</c>
/// or <c>... -- profile [--threads 2] [--models B]</c>
/// or <c>... -- onnx [--threads 1,2] [--batch 1,8] [--models Tiny,B] [--repeat N] [--warmup W] [--budget S]</c>
/// or <c>... -- grounding --model model.zip [--seed 1] [--split val] [--rows 200]</c>.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("MagNet.ML benchmarks: forward latency, FLOPs and matmul rate on this CPU; TorchSharp vs ONNX Runtime.");
        root.Subcommands.Add(ForwardCommand.Create(args));
        root.Subcommands.Add(ProfileCommand.Create(args));
        root.Subcommands.Add(OnnxCommand.Create(args));
        root.Subcommands.Add(GroundingCommand.Create());
        var parse = root.Parse(args);
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"magnet-bench: error: {e.Message}");
            return 1;
        }
    }
}
