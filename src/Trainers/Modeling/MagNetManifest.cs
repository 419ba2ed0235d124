using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>The state-dict layout of a configuration: one line per entry, <c>name&lt;TAB&gt;shape</c>, in module order.</summary>
public static class MagNetManifest
{
    /// <summary>
    /// Lists every state-dict entry of the model <paramref name="config"/> describes (parameters and persistent
    /// buffers), shape as comma-separated sizes. The model is built on the meta device, so no weights are allocated.
    /// </summary>
    public static IReadOnlyList<string> Lines(MagNetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        TorchRuntime.EnsureLoaded();
        var previous = torch.get_default_device();
        torch.set_default_device(torch.META);
        try
        {
            using var model = new MagNetModel(config);
            return StateDictInPyTorchOrder(model).Select(e => $"{e.Name}\t{string.Join(",", e.Shape)}").ToList();
        }
        finally
        {
            torch.set_default_device(previous);
        }
    }

    /// <summary>
    /// State-dict entries in PyTorch's order: a module's own parameters, then its own persistent buffers, then each
    /// child module's entries, recursively (TorchSharp's <c>state_dict()</c> lists buffers in another order).
    /// </summary>
    public static IEnumerable<(string Name, long[] Shape)> StateDictInPyTorchOrder(nn.Module module, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(module);
        var keys = module.state_dict().Keys.Select(k => prefix + k).ToHashSet(StringComparer.Ordinal);
        return Walk(module, prefix, keys);
    }

    private static IEnumerable<(string, long[])> Walk(nn.Module module, string prefix, HashSet<string> keys)
    {
        foreach (var (name, p) in module.named_parameters(recurse: false))
            yield return (prefix + name, p.shape);
        foreach (var (name, b) in module.named_buffers(recurse: false))
            if (keys.Contains(prefix + name)) yield return (prefix + name, b.shape);
        foreach (var (name, child) in module.named_children())
            foreach (var entry in Walk(child, prefix + name + ".", keys))
                yield return entry;
    }
}
