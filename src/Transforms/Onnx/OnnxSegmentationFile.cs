using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;

namespace MagNet.ML.Onnx;

/// <summary>
/// Reads and writes the single-file form of <see cref="ReferringSegmentationOnnxTransformer"/> (the format is
/// described in that class's remarks): a zip with <c>magnet-onnx.json</c>, <c>model.onnx</c> and, with a custom
/// vocabulary, <c>vocab.txt</c>.
/// </summary>
internal static class OnnxSegmentationFile
{
    public const string Format = "MagNet.ML.ReferringSegmentationOnnx";
    public const int Version = 1;
    private const string HeaderEntry = "magnet-onnx.json";
    private const string ModelEntry = "model.onnx";
    private const string VocabularyEntry = "vocab.txt";
    private const string DefaultVocabulary = "bert-base-uncased";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static void Write(string path, ReferringSegmentationOnnxEstimator.Options options, OnnxSegmentationContract contract, byte[]? modelBytes, byte[]? vocabulary)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        string? folder = Path.GetDirectoryName(fullPath);
        if (folder is not null) Directory.CreateDirectory(folder);
        string temporary = fullPath + ".partial";
        try
        {
            using (var zip = ZipFile.Open(temporary, ZipArchiveMode.Create))
            {
                var header = new Header
                {
                    Format = Format, Version = Version, SourceModelPath = options.ModelPath,
                    ImageColumnName = options.ImageColumnName, ExpressionColumnName = options.ExpressionColumnName,
                    PredictedMaskColumnName = options.PredictedMaskColumnName, ProbabilityColumnName = options.ProbabilityColumnName,
                    ScoreColumnName = options.ScoreColumnName, ImageInputName = options.ImageInputName, InputIdsInputName = options.InputIdsInputName,
                    AttentionMaskInputName = options.AttentionMaskInputName, MaskLogitsOutputName = options.MaskLogitsOutputName,
                    ClassLogitsOutputName = options.ClassLogitsOutputName, ImageSize = contract.ImageSize, MaxTokens = contract.MaxTokens,
                    BatchSize = contract.BatchSize, MaskThreshold = options.MaskThreshold,
                    Vocabulary = vocabulary is null ? DefaultVocabulary : VocabularyEntry,
                };
                using (var stream = zip.CreateEntry(HeaderEntry).Open()) JsonSerializer.Serialize(stream, header, Json);
                using (var stream = zip.CreateEntry(ModelEntry, CompressionLevel.Fastest).Open())
                {
                    if (modelBytes is not null) stream.Write(modelBytes);
                    else
                    {
                        using var model = File.OpenRead(options.ModelPath);
                        model.CopyTo(stream);
                    }
                }
                if (vocabulary is not null)
                {
                    using var stream = zip.CreateEntry(VocabularyEntry).Open();
                    stream.Write(vocabulary);
                }
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    public static ReferringSegmentationOnnxTransformer Read(TransformsCatalog catalog, string path, int? gpuDeviceId, bool fallbackToCpu)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"MagNet ONNX segmentation file '{path}' does not exist.", path);
        ZipArchive zip;
        try { zip = ZipFile.OpenRead(path); }
        catch (InvalidDataException e) { throw new InvalidDataException($"'{path}' is not a MagNet ONNX segmentation file (not a zip archive): {e.Message}", e); }
        using (zip)
        {
            var header = ReadHeader(zip, path);
            byte[] model = ReadEntry(zip, ModelEntry, path);
            string? vocabularyFile = null;
            try
            {
                if (header.Vocabulary == VocabularyEntry)
                {
                    vocabularyFile = Path.Combine(Path.GetTempPath(), $"magnet-vocab-{Guid.NewGuid():N}.txt");
                    File.WriteAllBytes(vocabularyFile, ReadEntry(zip, VocabularyEntry, path));
                }
                else if (header.Vocabulary != DefaultVocabulary)
                    throw new InvalidDataException($"'{path}': {HeaderEntry} names the vocabulary '{header.Vocabulary}'; expected '{DefaultVocabulary}' or '{VocabularyEntry}'.");

                var options = new ReferringSegmentationOnnxEstimator.Options
                {
                    ModelPath = header.SourceModelPath ?? path,
                    ImageColumnName = header.ImageColumnName, ExpressionColumnName = header.ExpressionColumnName,
                    PredictedMaskColumnName = header.PredictedMaskColumnName, ProbabilityColumnName = header.ProbabilityColumnName,
                    ScoreColumnName = header.ScoreColumnName, ImageInputName = header.ImageInputName, InputIdsInputName = header.InputIdsInputName,
                    AttentionMaskInputName = header.AttentionMaskInputName, MaskLogitsOutputName = header.MaskLogitsOutputName,
                    ClassLogitsOutputName = header.ClassLogitsOutputName, ImageSize = header.ImageSize, MaxTokens = header.MaxTokens,
                    BatchSize = header.BatchSize, MaskThreshold = header.MaskThreshold, VocabularyPath = vocabularyFile,
                    GpuDeviceId = gpuDeviceId, FallbackToCpu = fallbackToCpu,
                };
                var estimator = new ReferringSegmentationOnnxEstimator(catalog, options, model);
                var loaded = estimator.CreateTransformer();
                return loaded;
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"'{path}': its header holds an invalid setting: {e.Message}", e);
            }
            finally
            {
                if (vocabularyFile is not null) File.Delete(vocabularyFile);
            }
        }
    }

    private static Header ReadHeader(ZipArchive zip, string path)
    {
        Header? header;
        try
        {
            header = JsonSerializer.Deserialize<Header>(ReadEntry(zip, HeaderEntry, path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}': {HeaderEntry} is not valid JSON of this format: {e.Message}", e);
        }
        if (header is null || header.Format != Format)
            throw new InvalidDataException($"'{path}' is not a MagNet ONNX segmentation file ({HeaderEntry} names format '{header?.Format}', expected '{Format}').");
        if (header.Version > Version || header.Version < 1)
            throw new InvalidDataException($"'{path}' has format version {header.Version}; this MagNet.ML reads version {Version}. Use a MagNet.ML release that reads it.");
        return header;
    }

    private static byte[] ReadEntry(ZipArchive zip, string name, string path)
    {
        var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"'{path}' has no entry '{name}'; it is not a complete MagNet ONNX segmentation file.");
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private sealed class Header
    {
        [JsonPropertyName("format")] public string Format { get; set; } = "";
        [JsonPropertyName("version")] public int Version { get; set; }
        [JsonPropertyName("source_model_path")] public string? SourceModelPath { get; set; }
        [JsonPropertyName("image_column")] public string ImageColumnName { get; set; } = ReferringColumnNames.Image;
        [JsonPropertyName("expression_column")] public string ExpressionColumnName { get; set; } = ReferringColumnNames.Expression;
        [JsonPropertyName("predicted_mask_column")] public string PredictedMaskColumnName { get; set; } = ReferringColumnNames.PredictedMask;
        [JsonPropertyName("probability_column")] public string ProbabilityColumnName { get; set; } = ReferringColumnNames.Probability;
        [JsonPropertyName("score_column")] public string ScoreColumnName { get; set; } = ReferringColumnNames.Score;
        [JsonPropertyName("image_input")] public string ImageInputName { get; set; } = "image";
        [JsonPropertyName("input_ids_input")] public string InputIdsInputName { get; set; } = "input_ids";
        [JsonPropertyName("attention_mask_input")] public string AttentionMaskInputName { get; set; } = "attention_mask";
        [JsonPropertyName("mask_logits_output")] public string MaskLogitsOutputName { get; set; } = "mask_logits";
        [JsonPropertyName("class_logits_output")] public string? ClassLogitsOutputName { get; set; }
        [JsonPropertyName("image_size")] public int ImageSize { get; set; }
        [JsonPropertyName("max_tokens")] public int MaxTokens { get; set; }
        [JsonPropertyName("batch_size")] public int BatchSize { get; set; } = 1;
        [JsonPropertyName("mask_threshold")] public float MaskThreshold { get; set; } = 0.5f;
        [JsonPropertyName("vocabulary")] public string Vocabulary { get; set; } = DefaultVocabulary;
    }
}
