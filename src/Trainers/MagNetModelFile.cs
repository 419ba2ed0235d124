using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using MagNet.ML.Checkpoints;
using MagNet.ML.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML;

/// <summary>
/// The MagNet.ML model file: one zip holding everything <see cref="MagNetTransformer"/> needs to predict again in
/// another process. Written by <see cref="MagNetTransformer.Save"/>, read by <see cref="MagNetTransformer.Load"/>.
/// </summary>
/// <remarks>
/// *** Binary format (zip entries, in writing order) ***
/// <list type="number">
/// <item><c>header.json</c>: <c>format</c> = <see cref="FormatName"/>, <c>format_version</c> (this build writes
/// <see cref="FormatVersion"/> and refuses newer ones), <c>writer</c>, <c>config</c> (the <see cref="MagNetConfig"/>
/// JSON), <c>columns</c> (image, expression, predicted_mask, probability, score), <c>preprocessing</c> (image_size,
/// mean, std, max_tokens, vocabulary = <c>embedded:bert-base-uncased</c> or <c>vocab.txt</c>, vocabulary_md5,
/// vocabulary_size, tokenizer_lowercase), <c>threshold</c>, <c>batch_size</c>.</item>
/// <item><c>weights.safetensors</c>: the inference model's state dict only (<c>image_model.*</c>,
/// <c>language_model.*</c>, <c>classifier.*</c>, <c>lang_proj.*</c>: the official names); nothing of the training-only
/// Mask Grounding head.</item>
/// <item><c>vocab.txt</c>: only when a user vocabulary was used.</item>
/// </list>
/// </remarks>
public static class MagNetModelFile
{
    /// <summary>The format name in every header.</summary>
    public const string FormatName = "MagNet.ML.Model";

    /// <summary>The format version this build writes (and the newest it reads).</summary>
    public const int FormatVersion = 1;

    /// <summary>The vocabulary entry of the header for the embedded bert-base-uncased vocabulary.</summary>
    internal const string EmbeddedVocabulary = "embedded:bert-base-uncased";

    private const string HeaderEntry = "header.json";
    private const string WeightsEntry = "weights.safetensors";
    private const string VocabularyEntry = "vocab.txt";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private static readonly Lazy<byte[]> EmbeddedVocabularyBytes = new(() =>
    {
        using var stream = BertVocabulary.OpenDefault();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    });

    /// <summary>True when <paramref name="path"/> is a zip whose header names this format (any version).</summary>
    public static bool IsModelFile(string path)
    {
        if (!File.Exists(path)) return false;
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var entry = zip.GetEntry(HeaderEntry);
            if (entry is null) return false;
            using var stream = entry.Open();
            var header = JsonNode.Parse(stream);
            return header?["format"]?.GetValue<string>() == FormatName;
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or IOException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    /// <summary>The column names a model file's header holds, or null when <paramref name="path"/> is not a readable model file.</summary>
    internal static MagNetColumns? TryReadColumns(string path)
    {
        if (!IsModelFile(path)) return null;
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var c = ReadHeader(zip, path).Columns;
            return new MagNetColumns(c.Image, c.Expression, c.PredictedMask, c.Probability, c.Score);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>The bytes of the embedded bert-base-uncased vocabulary.</summary>
    internal static byte[] EmbeddedVocabularyContent => EmbeddedVocabularyBytes.Value;

    /// <summary>MD5 (hex, lower case) of a vocabulary's bytes.</summary>
    internal static string Md5(byte[] content) => Convert.ToHexStringLower(MD5.HashData(content));

    internal static void Write(MagNetTransformer transformer, Stream destination)
    {
        byte[] vocabulary = transformer.UserVocabulary ?? EmbeddedVocabularyContent;
        var header = new MagNetModelHeader
        {
            Format = FormatName,
            FormatVersion = FormatVersion,
            Writer = "MagNet.ML " + (typeof(MagNetModelFile).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?"),
            Config = JsonNode.Parse(transformer.ConfigInstance.ToJson())!.AsObject(),
            Columns = new MagNetModelHeader.ColumnsSection
            {
                Image = transformer.Columns.Image,
                Expression = transformer.Columns.Expression,
                PredictedMask = transformer.Columns.PredictedMask,
                Probability = transformer.Columns.Probability,
                Score = transformer.Columns.Score,
            },
            Preprocessing = new MagNetModelHeader.PreprocessingSection
            {
                ImageSize = transformer.Tensorizer.ImageSize,
                Mean = [.. transformer.Tensorizer.Mean],
                Std = [.. transformer.Tensorizer.Std],
                MaxTokens = transformer.Tokenizer.MaxTokens,
                Vocabulary = transformer.UserVocabulary is null ? EmbeddedVocabulary : VocabularyEntry,
                VocabularyMd5 = Md5(vocabulary),
                VocabularySize = transformer.Tokenizer.VocabularySize,
                TokenizerLowercase = transformer.Tokenizer.LowerCase,
            },
            Threshold = transformer.Threshold,
            BatchSize = transformer.BatchSize,
        };
        using var zip = new ZipArchive(destination, ZipArchiveMode.Create, leaveOpen: true);
        using (var stream = zip.CreateEntry(HeaderEntry, CompressionLevel.Optimal).Open())
            JsonSerializer.Serialize(stream, header, Json);
        lock (transformer.Shared.Gate)
            ZipTensors.Write(zip, WeightsEntry, transformer.Shared.Model.state_dict());
        if (transformer.UserVocabulary is not null)
        {
            using var stream = zip.CreateEntry(VocabularyEntry, CompressionLevel.Optimal).Open();
            stream.Write(transformer.UserVocabulary);
        }
    }

    internal static MagNetTransformer Read(string path, Device device)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"MagNet model file '{path}' does not exist.", path);
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{path}' is not a MagNet.ML model file: it is not a readable zip archive ({e.Message}).", e);
        }
        using (zip) return Read(zip, path, device);
    }

    /// <summary>Reads a model from an open archive; <paramref name="source"/> names it in messages.</summary>
    internal static MagNetTransformer Read(ZipArchive zip, string source, Device device)
    {
        try
        {
            return ReadArchive(zip, source, device);
        }
        catch (InvalidDataException e) when (!e.Message.Contains(source, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"'{source}' is corrupt: {e.Message}", e);
        }
    }

    private static MagNetTransformer ReadArchive(ZipArchive zip, string source, Device device)
    {
        var header = ReadHeader(zip, source);
        MagNetConfig config;
        try
        {
            config = MagNetConfig.FromJson(header.Config!.ToJsonString());
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException)
        {
            throw new InvalidDataException($"'{source}': the model configuration in {HeaderEntry} is invalid: {e.Message}", e);
        }

        var pre = header.Preprocessing;
        byte[]? userVocabulary = null;
        byte[] vocabulary;
        if (pre.Vocabulary == EmbeddedVocabulary)
        {
            vocabulary = EmbeddedVocabularyContent;
        }
        else
        {
            var entry = zip.GetEntry(VocabularyEntry) ?? throw new InvalidDataException($"'{source}' names the vocabulary '{pre.Vocabulary}' but has no {VocabularyEntry} entry.");
            using var buffer = new MemoryStream();
            using (var stream = entry.Open()) stream.CopyTo(buffer);
            vocabulary = userVocabulary = buffer.ToArray();
        }
        if (Md5(vocabulary) != pre.VocabularyMd5)
            throw new InvalidDataException(
                $"'{source}': the vocabulary's MD5 is {Md5(vocabulary)} but the header expects {pre.VocabularyMd5}; the model was saved with another vocabulary than this build embeds or the file is damaged.");

        ExpressionTokenizer tokenizer = CreateTokenizer(userVocabulary, pre.MaxTokens, pre.TokenizerLowercase);
        if (tokenizer.VocabularySize != pre.VocabularySize)
            throw new InvalidDataException($"'{source}': the vocabulary has {tokenizer.VocabularySize} entries but the header says {pre.VocabularySize}.");
        ImageTensorizer tensorizer;
        try
        {
            tensorizer = new ImageTensorizer(pre.ImageSize, pre.Mean, pre.Std);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"'{source}': the preprocessing in {HeaderEntry} is invalid: {e.Message}", e);
        }
        var columns = new MagNetColumns(header.Columns.Image, header.Columns.Expression, header.Columns.PredictedMask, header.Columns.Probability, header.Columns.Score);
        try
        {
            columns.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"'{source}': the columns in {HeaderEntry} are invalid: {e.Message}", e);
        }

        TorchRuntime.EnsureLoaded();
        var model = new MagNetModel(config);
        try
        {
            var weights = ZipTensors.Read(zip, WeightsEntry, source);
            try
            {
                ModuleWeights.Load(model, weights, strict: true, source: $"'{source}' ({WeightsEntry})");
            }
            finally
            {
                ZipTensors.DisposeAll(weights);
            }
            model.to(device);
            model.eval();
            return new MagNetTransformer(new SharedMagNetModel(model, device), config, tokenizer, userVocabulary, tensorizer, columns,
                header.Threshold, header.BatchSize);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>A tokenizer over <paramref name="userVocabulary"/> (written to a temporary file and read back) or the embedded vocabulary.</summary>
    internal static ExpressionTokenizer CreateTokenizer(byte[]? userVocabulary, int maxTokens, bool lowerCase)
    {
        if (userVocabulary is null) return new ExpressionTokenizer(null, maxTokens, lowerCase);
        string temporary = Path.Combine(Path.GetTempPath(), $"magnet-vocab-{Guid.NewGuid():N}.txt");
        try
        {
            File.WriteAllBytes(temporary, userVocabulary);
            return new ExpressionTokenizer(temporary, maxTokens, lowerCase);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static MagNetModelHeader ReadHeader(ZipArchive zip, string source)
    {
        var entry = zip.GetEntry(HeaderEntry)
            ?? throw new InvalidDataException($"'{source}' is not a MagNet.ML model file: it has no {HeaderEntry} (an ML.NET model zip loads with mlContext.Model.Load).");
        MagNetModelHeader? header;
        try
        {
            using var stream = entry.Open();
            header = JsonSerializer.Deserialize<MagNetModelHeader>(stream);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{source}': {HeaderEntry} is not valid JSON: {e.Message}", e);
        }
        if (header is null || header.Format != FormatName)
            throw new InvalidDataException($"'{source}' is not a MagNet.ML model file (its header names the format '{header?.Format}').");
        if (header.FormatVersion > FormatVersion)
            throw new InvalidDataException(
                $"'{source}' was written in MagNet.ML model format version {header.FormatVersion}; this MagNet.ML reads versions up to {FormatVersion}. Update MagNet.ML to load it.");
        if (header.FormatVersion < 1)
            throw new InvalidDataException($"'{source}': {HeaderEntry} has the invalid format_version {header.FormatVersion}.");
        if (header.Config is null) throw new InvalidDataException($"'{source}': {HeaderEntry} has no model configuration.");
        return header;
    }
}
