using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using MagNet.ML.Checkpoints;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML;

/// <summary>
/// Saves and loads a whole pipeline that contains a <see cref="MagNetTransformer"/>: ML.NET cannot store the MagNet
/// part in its model zip, so the ML.NET-native transformers before it (the prefix) and after it (the suffix) go
/// through <c>mlContext.Model.Save</c> and the MagNet part through <see cref="MagNetModelFile"/>, all in one file.
/// </summary>
/// <remarks>
/// *** Binary format (zip entries, in writing order) ***
/// <list type="number">
/// <item><c>pipeline.json</c>: <c>format</c> = <see cref="FormatName"/>, <c>format_version</c> (this build writes
/// <see cref="FormatVersion"/> and refuses newer ones), <c>prefix_count</c>, <c>suffix_count</c>.</item>
/// <item><c>prefix.zip</c>: the transformers before the MagNet part as an ML.NET model (with the pipeline's input
/// schema; an empty chain when there are none).</item>
/// <item><c>magnet.zip</c>: the MagNet part (<see cref="MagNetModelFile"/>).</item>
/// <item><c>suffix.zip</c>: the transformers after it as an ML.NET model (only when there are some).</item>
/// </list>
/// </remarks>
public static class MagNetPipeline
{
    /// <summary>The format name of a pipeline file.</summary>
    public const string FormatName = "MagNet.ML.Pipeline";

    /// <summary>The format version this build writes (and the newest it reads).</summary>
    public const int FormatVersion = 1;

    private const string HeaderEntry = "pipeline.json";
    private const string PrefixEntry = "prefix.zip";
    private const string MagNetEntry = "magnet.zip";
    private const string SuffixEntry = "suffix.zip";

    /// <summary>
    /// Saves <paramref name="model"/> (a <see cref="MagNetTransformer"/>, or a <see cref="TransformerChain{T}"/>, possibly
    /// nested, with exactly one) to <paramref name="path"/>, atomically. Every other transformer must be one ML.NET can
    /// save (its <c>NotSupportedException</c> says what to do otherwise).
    /// </summary>
    /// <param name="ml">The ML.NET context.</param>
    /// <param name="model">The fitted pipeline.</param>
    /// <param name="inputSchema">The schema of the data the pipeline is applied to.</param>
    /// <param name="path">The file to write.</param>
    /// <exception cref="ArgumentException">The pipeline holds no <see cref="MagNetTransformer"/>, or more than one.</exception>
    public static void Save(MLContext ml, ITransformer model, DataViewSchema inputSchema, string path)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var parts = Flatten(model).ToList();
        var magnets = parts.Select((t, i) => (t, i)).Where(p => p.t is MagNetTransformer).ToList();
        if (magnets.Count != 1)
            throw new ArgumentException(
                $"The pipeline must contain exactly one MagNetTransformer; it has {magnets.Count}. Save an ML.NET-only pipeline with mlContext.Model.Save.", nameof(model));
        int at = magnets[0].i;
        var magnet = (MagNetTransformer)parts[at];
        var prefix = new TransformerChain<ITransformer>(parts.Take(at).ToArray());
        var suffix = parts.Skip(at + 1).ToArray();
        var magnetInput = prefix.GetOutputSchema(inputSchema);
        var suffixInput = magnet.GetOutputSchema(magnetInput);

        byte[] prefixBytes = SaveMlNet(ml, prefix, inputSchema, "before");
        byte[]? suffixBytes = suffix.Length == 0 ? null : SaveMlNet(ml, new TransformerChain<ITransformer>(suffix), suffixInput, "after");
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            var header = new JsonObject
            {
                ["format"] = FormatName,
                ["format_version"] = FormatVersion,
                ["prefix_count"] = at,
                ["suffix_count"] = suffix.Length,
            };
            using (var entry = zip.CreateEntry(HeaderEntry).Open()) JsonSerializer.Serialize(entry, header, new JsonSerializerOptions { WriteIndented = true });
            using (var entry = zip.CreateEntry(PrefixEntry, CompressionLevel.NoCompression).Open()) entry.Write(prefixBytes);
            using (var entry = zip.CreateEntry(MagNetEntry, CompressionLevel.NoCompression).Open())
            {
                using var buffer = new MemoryStream();
                MagNetModelFile.Write(magnet, buffer);
                buffer.Position = 0;
                buffer.CopyTo(entry);
            }
            if (suffixBytes is not null)
                using (var entry = zip.CreateEntry(SuffixEntry, CompressionLevel.NoCompression).Open()) entry.Write(suffixBytes);
        });
    }

    /// <summary>
    /// Loads a pipeline written by <see cref="Save"/> as one <see cref="TransformerChain{T}"/> (prefix, MagNet part,
    /// suffix; dispose it when done) and returns the input schema it was saved with. A missing file is a
    /// <see cref="FileNotFoundException"/>; a foreign, newer or corrupt file an <see cref="InvalidDataException"/> naming it.
    /// </summary>
    /// <param name="ml">The ML.NET context.</param>
    /// <param name="path">The pipeline file.</param>
    /// <param name="inputSchema">The schema of the data the pipeline was saved for.</param>
    /// <param name="gpuDeviceId">CUDA device for the MagNet part; null for the CPU.</param>
    /// <param name="fallbackToCpu">Use the CPU when the CUDA device is not usable (otherwise throw).</param>
    public static TransformerChain<ITransformer> Load(MLContext ml, string path, out DataViewSchema inputSchema, int? gpuDeviceId = null, bool fallbackToCpu = false)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"MagNet pipeline file '{path}' does not exist.", path);
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{path}' is not a MagNet.ML pipeline file: it is not a readable zip archive ({e.Message}).", e);
        }
        using (zip)
        {
            try
            {
                var header = ReadHeader(zip, path);
                var prefix = LoadMlNet(ml, zip, PrefixEntry, path, out inputSchema);
                MagNetTransformer magnet;
                using (var inner = OpenInner(zip, MagNetEntry, path))
                    magnet = MagNetModelFile.Read(inner, $"{path} ({MagNetEntry})", TorchDevices.Resolve(gpuDeviceId, fallbackToCpu));
                var parts = Flatten(prefix).ToList();
                parts.Add(magnet);
                if (header.SuffixCount > 0) parts.AddRange(Flatten(LoadMlNet(ml, zip, SuffixEntry, path, out _)));
                return new TransformerChain<ITransformer>(parts.ToArray());
            }
            catch (InvalidDataException e) when (!e.Message.Contains(path, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"'{path}' is corrupt: {e.Message}", e);
            }
        }
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer transformer)
    {
        if (transformer is MagNetTransformer || transformer is not IEnumerable<ITransformer> chain)
        {
            yield return transformer;
            yield break;
        }
        foreach (var part in chain)
            foreach (var inner in Flatten(part))
                yield return inner;
    }

    private static byte[] SaveMlNet(MLContext ml, ITransformer chain, DataViewSchema schema, string where)
    {
        using var buffer = new MemoryStream();
        try
        {
            ml.Model.Save(chain, schema, buffer);
        }
        catch (NotSupportedException e)
        {
            throw new NotSupportedException($"A transformer {where} the MagNet part cannot be saved by ML.NET: {e.Message}", e);
        }
        return buffer.ToArray();
    }

    private static ITransformer LoadMlNet(MLContext ml, ZipArchive zip, string entryName, string path, out DataViewSchema schema)
    {
        using var inner = new MemoryStream();
        using (var stream = (zip.GetEntry(entryName) ?? throw new InvalidDataException($"'{path}' has no '{entryName}' entry.")).Open())
            stream.CopyTo(inner);
        inner.Position = 0;
        try
        {
            return ml.Model.Load(inner, out schema);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not InvalidDataException)
        {
            throw new InvalidDataException($"'{path}': the ML.NET part '{entryName}' could not be loaded: {e.Message}", e);
        }
    }

    private static ZipArchive OpenInner(ZipArchive zip, string entryName, string path)
    {
        var buffer = new MemoryStream();
        using (var stream = (zip.GetEntry(entryName) ?? throw new InvalidDataException($"'{path}' has no '{entryName}' entry.")).Open())
            stream.CopyTo(buffer);
        buffer.Position = 0;
        return new ZipArchive(buffer, ZipArchiveMode.Read, leaveOpen: false);
    }

    private static (int PrefixCount, int SuffixCount) ReadHeader(ZipArchive zip, string path)
    {
        var entry = zip.GetEntry(HeaderEntry)
            ?? throw new InvalidDataException($"'{path}' is not a MagNet.ML pipeline file: it has no {HeaderEntry}.");
        JsonNode? header;
        try
        {
            using var stream = entry.Open();
            header = JsonNode.Parse(stream);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}': {HeaderEntry} is not valid JSON: {e.Message}", e);
        }
        string? format = header?["format"]?.GetValue<string>();
        if (format != FormatName) throw new InvalidDataException($"'{path}' is not a MagNet.ML pipeline file (format '{format}').");
        int version = header!["format_version"]?.GetValue<int>() ?? 0;
        if (version > FormatVersion)
            throw new InvalidDataException($"'{path}' was written in MagNet.ML pipeline format version {version}; this MagNet.ML reads versions up to {FormatVersion}.");
        return (header["prefix_count"]?.GetValue<int>() ?? 0, header["suffix_count"]?.GetValue<int>() ?? 0);
    }
}
