using MagNet.ML.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Benchmarks;

/// <summary>
/// A randomly initialised MagNet in evaluation mode with one fixed input pair (a random normalised image and a
/// 20-token expression of which 12 tokens are valid), ready to run forward passes.
/// </summary>
internal sealed class BenchmarkModel : IDisposable
{
    private readonly Tensor image, inputIds, attentionMask;

    private BenchmarkModel(string name, MagNetConfig config)
    {
        Name = name;
        Config = config;
        Flops = MagNetFlops.Count(config);
        torch.manual_seed(1);
        Model = new MagNetModel(config);
        Model.eval();
        image = torch.randn(1, 3, config.ImageSize, config.ImageSize);
        var ids = new long[config.MaxTokens];
        var mask = new long[config.MaxTokens];
        int valid = Math.Min(12, config.MaxTokens);
        for (int t = 0; t < valid; t++)
        {
            ids[t] = t == 0 ? 101 : t == valid - 1 ? 102 : 1000 + 37 * t;
            mask[t] = 1;
        }
        inputIds = torch.tensor(ids, [1, config.MaxTokens]);
        attentionMask = torch.tensor(mask, [1, config.MaxTokens]);
    }

    /// <summary>The model names the benchmark accepts, and their configurations.</summary>
    public static readonly IReadOnlyDictionary<string, Func<MagNetConfig>> Known = new Dictionary<string, Func<MagNetConfig>>(StringComparer.OrdinalIgnoreCase)
    {
        ["B"] = MagNetConfig.MagNetB,
        ["Tiny"] = MagNetConfig.MagNetTiny,
    };

    public static BenchmarkModel Create(string name)
    {
        if (!Known.TryGetValue(name, out var factory))
            throw new ArgumentException($"Unknown model '{name}'; use one of: {string.Join(", ", Known.Keys)}.", nameof(name));
        return new BenchmarkModel(Known.Keys.First(k => k.Equals(name, StringComparison.OrdinalIgnoreCase)), factory());
    }

    public string Name { get; }

    public MagNetConfig Config { get; }

    public MagNetModel Model { get; }

    public MagNetFlopCount Flops { get; }

    public Tensor Image => image;

    public Tensor InputIds => inputIds;

    public Tensor AttentionMask => attentionMask;

    /// <summary>One inference forward pass (no gradients, inference mode); every output is freed before returning.</summary>
    public void Forward()
    {
        using var inference = torch.inference_mode();
        using var scope = NewDisposeScope();
        using var output = Model.forward(image, inputIds, attentionMask);
    }

    public void Dispose()
    {
        Model.Dispose();
        image.Dispose();
        inputIds.Dispose();
        attentionMask.Dispose();
    }
}
