using System.Collections;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace MagNet.ML;

/// <summary>
/// Reads PyTorch state dicts from disk into name → tensor maps, without Python: safetensors files, flat
/// <c>torch.save(state_dict)</c> files, and nested checkpoints such as the released MagNet files
/// (<c>{'model': state_dict, ...}</c>), which are flattened.
/// </summary>
public static class StateDictFile
{
    /// <summary>Keys under which training checkpoints commonly nest the model's state dict, tried in this order.</summary>
    public static readonly IReadOnlyList<string> NestedModelKeys = new[] { "model", "state_dict", "model_state_dict" };

    /// <summary>
    /// Reads <paramref name="path"/> (safetensors or a PyTorch zip checkpoint). For nested checkpoints the first of
    /// <see cref="NestedModelKeys"/> present is used (other entries, e.g. optimizer state, are ignored); any remaining
    /// nesting is flattened with '.' separators. The caller owns the returned tensors.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is neither safetensors nor a readable PyTorch checkpoint.</exception>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Weights file '{path}' does not exist.", path);
        TorchRuntime.EnsureLoaded();
        if (IsSafetensors(path))
        {
            try { return Safetensors.LoadStateDict(path); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidDataException($"Weights file '{path}' looks like safetensors but could not be read: {e.Message}", e);
            }
        }
        if (!IsZip(path))
            throw new InvalidDataException(
                $"Weights file '{path}' is neither safetensors nor a PyTorch zip checkpoint (torch.save since PyTorch 1.6). " +
                "Re-save legacy checkpoints with torch.save(..., _use_new_zipfile_serialization=True) or as safetensors.");
        Hashtable root;
        try { root = PyTorchUnpickler.UnpickleStateDict(path); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"Weights file '{path}' could not be unpickled as a PyTorch checkpoint: {e.Message}", e);
        }
        IDictionary dict = root;
        foreach (var key in NestedModelKeys)
        {
            if (root[key] is IDictionary nested) { dict = nested; break; }
        }
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        Flatten(dict, "", result, path);
        return result;
    }

    private static void Flatten(IDictionary dict, string prefix, Dictionary<string, Tensor> into, string path)
    {
        foreach (DictionaryEntry e in dict)
        {
            string name = prefix + Convert.ToString(e.Key, System.Globalization.CultureInfo.InvariantCulture);
            switch (e.Value)
            {
                case Tensor t: into[name] = t; break;
                case IDictionary nested: Flatten(nested, name + ".", into, path); break;
                default: break; // scalars, strings, lists (e.g. epoch numbers, args) are not weights
            }
        }
        if (into.Count == 0)
            throw new InvalidDataException($"Weights file '{path}' contains no tensors.");
    }

    private static bool IsZip(string path)
    {
        using var s = File.OpenRead(path);
        Span<byte> head = stackalloc byte[4];
        return s.Read(head) == 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4;
    }

    private static bool IsSafetensors(string path)
    {
        // safetensors: 8-byte little-endian header length, then a JSON object starting with '{'.
        using var s = File.OpenRead(path);
        Span<byte> head = stackalloc byte[9];
        if (s.Read(head) != 9) return false;
        ulong n = BitConverter.ToUInt64(head[..8]);
        return head[8] == (byte)'{' && n > 1 && n < (ulong)s.Length;
    }
}
