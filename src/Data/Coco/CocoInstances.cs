using System.Text.Json;

namespace MagNet.ML;

/// <summary>
/// A COCO <c>instances.json</c> (as shipped with RefCOCO/RefCOCO+/G-Ref and gRefCOCO): its images, annotations and
/// categories, indexed by id.
/// </summary>
public sealed class CocoInstances
{
    private CocoInstances(string path, Dictionary<long, CocoImage> images, Dictionary<long, CocoAnnotation> annotations,
        Dictionary<long, string> categories)
    {
        Path = path;
        Images = images;
        Annotations = annotations;
        Categories = categories;
    }

    /// <summary>The file it was read from.</summary>
    public string Path { get; }

    /// <summary>Images by id.</summary>
    public IReadOnlyDictionary<long, CocoImage> Images { get; }

    /// <summary>Annotations by id.</summary>
    public IReadOnlyDictionary<long, CocoAnnotation> Annotations { get; }

    /// <summary>Category names by id.</summary>
    public IReadOnlyDictionary<long, string> Categories { get; }

    /// <summary>
    /// Reads an <c>instances.json</c>. Throws <see cref="FileNotFoundException"/> when it is missing and
    /// <see cref="InvalidDataException"/> naming the file and the entry for malformed JSON, missing or mistyped
    /// fields, duplicate ids, or a malformed segmentation.
    /// </summary>
    public static CocoInstances Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"COCO instances file '{path}' does not exist.", path);
        JsonDocument document;
        using (var stream = File.OpenRead(path))
        {
            try
            {
                document = JsonDocument.Parse(stream);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}", e);
            }
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"'{path}' must hold a JSON object with images, annotations and categories.");

            var images = new Dictionary<long, CocoImage>();
            int index = 0;
            foreach (var item in RequireArray(root, "images", path))
            {
                string where = $"'{path}' images[{index++}]";
                long id = RequireInt64(item, "id", where);
                string fileName = RequireString(item, "file_name", where);
                int width = (int)RequireInt64(item, "width", where), height = (int)RequireInt64(item, "height", where);
                if (width <= 0 || height <= 0)
                    throw new InvalidDataException($"{where} (id {id}) has size {width}×{height}; it must be positive.");
                if (!images.TryAdd(id, new CocoImage(id, fileName, width, height)))
                    throw new InvalidDataException($"{where}: image id {id} appears twice.");
            }

            var annotations = new Dictionary<long, CocoAnnotation>();
            index = 0;
            foreach (var item in RequireArray(root, "annotations", path))
            {
                string where = $"'{path}' annotations[{index++}]";
                long id = RequireInt64(item, "id", where);
                where += $" (id {id})";
                long imageId = RequireInt64(item, "image_id", where);
                long categoryId = item.TryGetProperty("category_id", out var cat) && cat.TryGetInt64(out long c) ? c : 0;
                bool crowd = item.TryGetProperty("iscrowd", out var crowdValue) && crowdValue.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.Number => crowdValue.GetDouble() != 0,
                    _ => false,
                };
                if (!item.TryGetProperty("segmentation", out var segmentation))
                    throw new InvalidDataException($"{where} has no \"segmentation\".");
                CocoSegmentation parsed;
                try
                {
                    parsed = CocoSegmentation.Parse(segmentation);
                }
                catch (InvalidDataException e)
                {
                    throw new InvalidDataException($"{where}: {e.Message}", e);
                }
                if (!annotations.TryAdd(id, new CocoAnnotation(id, imageId, categoryId, crowd, parsed)))
                    throw new InvalidDataException($"{where}: annotation id {id} appears twice.");
            }

            var categories = new Dictionary<long, string>();
            if (root.TryGetProperty("categories", out var cats) && cats.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in cats.EnumerateArray())
                    if (item.TryGetProperty("id", out var id) && id.TryGetInt64(out long cid))
                        categories[cid] = item.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                            ? name.GetString()!
                            : "";
            }
            return new CocoInstances(path, images, annotations, categories);
        }
    }

    private static JsonElement.ArrayEnumerator RequireArray(JsonElement root, string name, string path)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"'{path}' has no \"{name}\" list.");
        return value.EnumerateArray();
    }

    private static long RequireInt64(JsonElement item, string name, string where)
    {
        if (item.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{where} is a {CocoSegmentation.Describe(item.ValueKind)}, not an object.");
        if (!item.TryGetProperty(name, out var value))
            throw new InvalidDataException($"{where} has no \"{name}\".");
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long result)) return result;
        throw new InvalidDataException($"{where} \"{name}\" is not an integer.");
    }

    private static string RequireString(JsonElement item, string name, string where)
    {
        if (!item.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
            throw new InvalidDataException($"{where} has no \"{name}\" string.");
        return value.GetString()!;
    }
}
