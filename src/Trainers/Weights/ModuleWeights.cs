using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML;

/// <summary>Copies a name → tensor map into a module's parameters and buffers, with a report of what did not match.</summary>
public static class ModuleWeights
{
    /// <summary>
    /// Loads <paramref name="stateDict"/> into <paramref name="module"/> (values are copied; the map stays owned by the
    /// caller). With <paramref name="strict"/> any missing, unexpected or mis-shaped key throws
    /// <see cref="InvalidDataException"/> naming them and nothing is changed; otherwise matching entries are copied and
    /// the rest reported. Keys listed in <paramref name="ignore"/> (exact names or prefixes ending in '.') are skipped on both sides.
    /// </summary>
    public static WeightLoadReport Load(nn.Module module, IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true,
        string source = "state dict", IEnumerable<string>? ignore = null)
    {
        var skip = ignore?.ToArray() ?? Array.Empty<string>();
        bool Skipped(string name) => skip.Any(s => s.EndsWith('.') ? name.StartsWith(s, StringComparison.Ordinal) : name == s);

        var target = module.state_dict();
        var missing = new List<string>();
        var misShaped = new List<(string, long[], long[])>();
        var toCopy = new List<(Tensor Dst, Tensor Src)>();
        foreach (var (name, dst) in target)
        {
            if (Skipped(name)) continue;
            if (!stateDict.TryGetValue(name, out var src)) { missing.Add(name); continue; }
            if (!dst.shape.SequenceEqual(src.shape)) { misShaped.Add((name, dst.shape, src.shape)); continue; }
            toCopy.Add((dst, src));
        }
        var unexpected = stateDict.Keys.Where(k => !target.ContainsKey(k) && !Skipped(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        var report = new WeightLoadReport(toCopy.Count, missing, unexpected, misShaped);
        if (strict && !report.IsExact)
            throw new InvalidDataException($"Weights from {source} do not match the model: {report}");
        using (torch.no_grad())
        {
            foreach (var (dst, src) in toCopy)
                dst.copy_(src.to(dst.dtype, dst.device));
        }
        return report;
    }
}
