using MagNet.ML;

namespace MagNet.Cli;

/// <summary>Turns the <c>--preset</c> / <c>--config</c> pair of options into a <see cref="MagNetConfig"/>.</summary>
internal static class ModelConfigOptions
{
    /// <summary>The preset names accepted by <c>--preset</c> (case-insensitive).</summary>
    public static readonly IReadOnlyDictionary<string, Func<MagNetConfig>> Presets =
        new Dictionary<string, Func<MagNetConfig>>(StringComparer.OrdinalIgnoreCase)
        {
            ["MagNet-B"] = MagNetConfig.MagNetB,
            ["MagNet-Tiny"] = MagNetConfig.MagNetTiny,
            ["MagNet-Tiny-R18"] = MagNetConfig.MagNetTinyResNet18,
        };

    /// <summary>Exactly one of <paramref name="preset"/> and <paramref name="configPath"/> must be given.</summary>
    public static MagNetConfig Resolve(string? preset, string? configPath)
    {
        if ((preset is null) == (configPath is null))
            throw new ArgumentException($"Give exactly one of --preset ({string.Join(", ", Presets.Keys)}) and --config FILE.");
        if (configPath is not null) return MagNetConfig.Load(configPath);
        if (!Presets.TryGetValue(preset!, out var make))
            throw new ArgumentException($"--preset: unknown preset '{preset}'; known presets: {string.Join(", ", Presets.Keys)}.");
        return make();
    }
}
