using Microsoft.ML.OnnxRuntime;

namespace MagNet.ML.Benchmarks;

/// <summary>
/// Which ONNX Runtime the process runs: the version, the providers the loaded build offers, the native library the
/// process mapped (read from /proc/self/maps after a session opened) and every copy of it in the output folder. The
/// transforms package ships the GPU build (CPU provider when CUDA is absent); a CPU build copied over it by another
/// package would abort the process (bench/README.md).
/// </summary>
internal sealed record OnnxRuntimeInfo(string Version, string Providers, string LoadedLibrary, string LibrariesInOutput)
{
    public static OnnxRuntimeInfo Read()
    {
        var env = OrtEnv.Instance();
        string loaded = "unknown";
        const string maps = "/proc/self/maps";
        if (File.Exists(maps))
        {
            loaded = File.ReadLines(maps).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
                .Where(p => Path.GetFileName(p).StartsWith("libonnxruntime", StringComparison.Ordinal)).Distinct()
                .Select(p => Path.GetRelativePath(AppContext.BaseDirectory, p)).DefaultIfEmpty("none mapped").Aggregate((a, b) => a + ", " + b);
        }
        var copies = Directory.GetFiles(AppContext.BaseDirectory, "libonnxruntime*.so*", SearchOption.AllDirectories)
            .Select(f => $"{Path.GetRelativePath(AppContext.BaseDirectory, f)} ({new FileInfo(f).Length / 1e6:F1} MB)").Order().ToList();
        return new OnnxRuntimeInfo(env.GetVersionString(), string.Join(", ", env.GetAvailableProviders()), loaded,
            copies.Count == 0 ? "none" : string.Join("; ", copies));
    }

    public string Describe() =>
        $"ONNX Runtime {Version} (providers: {Providers}; sessions here use the CPU provider); native library loaded: {LoadedLibrary}; " +
        $"in the output folder: {LibrariesInOutput}";
}
