using System.Diagnostics;
using MagNet.ML;
using MagNet.ML.Modeling;

namespace MagNet.Cli.Tests;

/// <summary>
/// Shared pieces of the train/predict/evaluate command tests: a configuration far smaller than MagNet-Tiny (64²
/// images, a 4-layer BERT of width 32, no dropout, so one epoch on a few rows takes seconds), running the CLI in
/// this process or as <c>dotnet magnet.dll</c> in a new one.
/// </summary>
internal static class TrainPredictFixture
{
    public static MagNetConfig TinyModel()
    {
        var config = new MagNetConfig
        {
            Name = "cli-test-tiny",
            ImageSize = 64,
            MaxTokens = 8,
            LanguagePwamQuirk = false,
            LangProjDim = 16,
            ImageModel = new ImageModelSection
            {
                Kwargs = new ImageModelConfig { EmbedDim = 8, Depths = [1, 1, 1, 1], NumHeads = [1, 2, 2, 4], WindowSize = 2, DropPathRate = 0.0 },
            },
            LanguageModel = new LanguageModelSection
            {
                Config = new BertConfig
                {
                    HiddenSize = 32, NumHiddenLayers = 4, NumAttentionHeads = 2, IntermediateSize = 64, MaxPositionEmbeddings = 32,
                    HiddenDropoutProb = 0.0, AttentionProbsDropoutProb = 0.0,
                },
                EmbedDim = 8,
                PwamIdx = [1, 2, 3, 4],
            },
            Classifier = new ClassifierSection
            {
                Cfg = new ClassifierConfig { TransformerEncLayers = 1, ConvsDim = 32, MaskDim = 16, HiddenDim = 16, NHeads = 2, DimFeedforward = 32, DecLayers = 2 },
            },
        };
        config.Classifier.InputShape = config.BackboneFeatureShapes();
        config.Validate();
        return config;
    }

    public static (int Exit, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = CliRunner.Run(Program.BuildRootCommand(), args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>Runs the built tool as <c>dotnet magnet.dll ARGS</c> in a new process.</summary>
    public static (int Exit, string Output, string Error) RunInNewProcess(params string[] args)
    {
        string tool = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(tool);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'dotnet {tool} {string.Join(' ', args)}' did not finish in two minutes.");
        }
        return (process.ExitCode, output, error.Result);
    }

    public static string NewFolder(string prefix)
    {
        string path = Path.Combine(Path.GetTempPath(), $"magnet-{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }
}
