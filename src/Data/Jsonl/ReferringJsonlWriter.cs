using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MagNet.ML;

/// <summary>
/// Writes a data set in the JSONL/folder format that <see cref="ReferringDatasets.ReadJsonl"/> reads:
/// <c>OUT/data.jsonl</c>, one row per line <c>{"id", "image", "mask": "masks/&lt;id&gt;.png", "expression", "split", ...extras}</c>,
/// and each mask as a 0/255 PNG under <c>OUT/masks/</c>. Images are referenced, not copied. Rows go to a
/// temporary file that <see cref="Complete"/> renames to <c>data.jsonl</c>, so a failed run never leaves a
/// half-written data set behind; disposing without completing removes the temporary file.
/// </summary>
public sealed class ReferringJsonlWriter : IDisposable
{
    /// <summary>The file name of the rows inside the output folder.</summary>
    public const string JsonlFileName = "data.jsonl";

    /// <summary>The folder of the mask PNGs inside the output folder.</summary>
    public const string MasksFolderName = "masks";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly string _partialPath;
    private readonly JsonlImagePaths _imagePaths;
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private StreamWriter? _writer;
    private bool _completed;

    /// <summary>Creates the output folder (and its <c>masks/</c> folder) and starts a new data set there.</summary>
    public ReferringJsonlWriter(string outputDirectory, JsonlImagePaths imagePaths = JsonlImagePaths.Auto)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        OutputDirectory = Path.GetFullPath(outputDirectory);
        Directory.CreateDirectory(Path.Combine(OutputDirectory, MasksFolderName));
        JsonlPath = Path.Combine(OutputDirectory, JsonlFileName);
        _partialPath = JsonlPath + ".partial";
        _imagePaths = imagePaths;
        _writer = new StreamWriter(_partialPath, append: false, new System.Text.UTF8Encoding(false)) { NewLine = "\n" };
    }

    /// <summary>The output folder (absolute).</summary>
    public string OutputDirectory { get; }

    /// <summary>Where the rows end up: <c>OUT/data.jsonl</c>.</summary>
    public string JsonlPath { get; }

    /// <summary>Rows written so far.</summary>
    public int RowCount { get; private set; }

    /// <summary>
    /// Writes one row and its mask (<c>masks/&lt;id&gt;.png</c>; no mask field when <paramref name="mask"/> is
    /// <c>null</c>). <paramref name="id"/> must be unique and usable as a file name. Extras are written after the
    /// standard fields, with their JSON types (numbers, lists, objects).
    /// </summary>
    public void Write(string id, string imagePath, string expression, BinaryMask? mask, string split = "",
        IEnumerable<KeyValuePair<string, JsonNode?>>? extras = null)
    {
        var writer = _writer ?? throw new ObjectDisposedException(nameof(ReferringJsonlWriter), "The data set is already completed or disposed.");
        CheckId(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(imagePath);
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(split);

        string? maskField = null;
        if (mask is not null)
        {
            maskField = MasksFolderName + "/" + id + ".png";
            mask.SavePng(Path.Combine(OutputDirectory, MasksFolderName, id + ".png"));
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("image", FormatImagePath(imagePath));
            if (maskField is not null) json.WriteString("mask", maskField);
            json.WriteString("expression", expression);
            json.WriteString("split", split);
            if (extras is not null)
            {
                foreach (var (key, value) in extras)
                {
                    if (key is "id" or "image" or "mask" or "expression" or "split")
                        throw new ArgumentException($"Extra field '{key}' would overwrite a standard field of row '{id}'.", nameof(extras));
                    json.WritePropertyName(key);
                    if (value is null) json.WriteNullValue();
                    else value.WriteTo(json);
                }
            }
            json.WriteEndObject();
        }
        writer.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        _ids.Add(id);
        RowCount++;
    }

    /// <summary>
    /// Writes a record: its mask is made with <see cref="ReferringRecord.LoadMask"/> (none when it is <c>null</c>).
    /// Without <paramref name="extras"/>, the record's <see cref="ReferringRecord.Extras"/> are written as strings.
    /// </summary>
    public void Write(ReferringRecord record, IEnumerable<KeyValuePair<string, JsonNode?>>? extras = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.ImagePath is null)
            throw new ArgumentException($"Row '{record.Id}' has no image file; the JSONL format references images by path.", nameof(record));
        extras ??= record.Extras.Select(e => new KeyValuePair<string, JsonNode?>(e.Key, JsonValue.Create(e.Value)));
        Write(record.Id, record.ImagePath, record.Expression, record.LoadMask?.Invoke(), record.Split, extras);
    }

    /// <summary>Finishes the data set: flushes the rows and moves them to <see cref="JsonlPath"/> (replacing an older file).</summary>
    public void Complete()
    {
        var writer = _writer ?? throw new ObjectDisposedException(nameof(ReferringJsonlWriter), "The data set is already completed or disposed.");
        writer.Dispose();
        _writer = null;
        File.Move(_partialPath, JsonlPath, overwrite: true);
        _completed = true;
    }

    /// <summary>Closes the writer; without <see cref="Complete"/>, the partial rows file is deleted.</summary>
    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
        if (!_completed && File.Exists(_partialPath)) File.Delete(_partialPath);
    }

    private void CheckId(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        if (id is "." or ".." || id.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || id.Contains('/') || id.Contains('\\'))
            throw new ArgumentException($"Row id '{id}' cannot name a mask file (no path separators or reserved names).", nameof(id));
        if (_ids.Contains(id)) throw new ArgumentException($"Row id '{id}' was already written.", nameof(id));
    }

    private string FormatImagePath(string imagePath)
    {
        string full = Path.GetFullPath(imagePath);
        string relative = Path.GetRelativePath(OutputDirectory, full);
        bool inside = !relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative);
        bool useRelative = _imagePaths switch
        {
            JsonlImagePaths.Relative => !Path.IsPathRooted(relative),
            JsonlImagePaths.Absolute => false,
            _ => inside,
        };
        return useRelative ? relative.Replace('\\', '/') : full;
    }
}
