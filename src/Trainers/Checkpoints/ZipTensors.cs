using System.IO.Compression;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace MagNet.ML.Checkpoints;

/// <summary>Name → tensor maps stored as safetensors entries of a zip archive (model files and checkpoints).</summary>
internal static class ZipTensors
{
    /// <summary>Writes <paramref name="tensors"/> (any device) as the safetensors entry <paramref name="entryName"/>.</summary>
    public static void Write(ZipArchive zip, string entryName, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        using var scope = NewDisposeScope();
        var cpu = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors) cpu[name] = tensor.detach().cpu().contiguous();
        using var buffer = new MemoryStream();
        Safetensors.SaveStateDict(buffer, cpu, leaveOpen: true);
        buffer.Position = 0;
        // Weights hardly compress; storing them keeps saving and loading fast.
        var entry = zip.CreateEntry(entryName, CompressionLevel.NoCompression);
        using var stream = entry.Open();
        buffer.CopyTo(stream);
    }

    /// <summary>
    /// Reads the safetensors entry <paramref name="entryName"/> into CPU tensors owned by the caller; a missing or
    /// unreadable entry is an <see cref="InvalidDataException"/> naming <paramref name="source"/>.
    /// </summary>
    public static Dictionary<string, Tensor> Read(ZipArchive zip, string entryName, string source)
    {
        var entry = zip.GetEntry(entryName) ?? throw new InvalidDataException($"'{source}' has no '{entryName}' entry.");
        using var buffer = new MemoryStream(checked((int)Math.Min(entry.Length, int.MaxValue)));
        using (var stream = entry.Open()) stream.CopyTo(buffer);
        buffer.Position = 0;
        try
        {
            var tensors = Safetensors.LoadStateDict(buffer, leaveOpen: true);
            foreach (var tensor in tensors.Values) tensor.DetachFromDisposeScope();
            return tensors;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"'{source}': the entry '{entryName}' is not readable safetensors: {e.Message}", e);
        }
    }

    /// <summary>Disposes every tensor of <paramref name="tensors"/>.</summary>
    public static void DisposeAll(IReadOnlyDictionary<string, Tensor> tensors)
    {
        foreach (var tensor in tensors.Values) tensor.Dispose();
    }
}
