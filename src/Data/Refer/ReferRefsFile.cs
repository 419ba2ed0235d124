using System.Collections;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Razorvine.Pickle;

namespace MagNet.ML;

/// <summary>
/// Reads the refs of a REFER data set: <c>refs(&lt;splitBy&gt;).p</c> (a Python pickle, written by Python 2 for the
/// released RefCOCO/RefCOCO+/G-Ref files) or gRefCOCO's <c>grefs(&lt;splitBy&gt;).json</c> / <c>.p</c>. Each file is a
/// list of ref dicts <c>{ref_id, ann_id, image_id, split, sentences: [{sent_id, raw, sent, tokens}], ...}</c>;
/// <c>ann_id</c> is an integer, or a list of integers in gRefCOCO.
/// </summary>
public static class ReferRefsFile
{
    /// <summary>
    /// Reads a refs file; <c>.json</c> files are read as JSON, anything else as a pickle. Throws
    /// <see cref="FileNotFoundException"/> when it is missing and <see cref="InvalidDataException"/> naming the file
    /// and the ref for a malformed file or ref.
    /// </summary>
    public static IReadOnlyList<ReferRef> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Refs file '{path}' does not exist.", path);
        object? content = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ReadJson(path) : ReadPickle(path);
        if (content is not List<object?> list)
            throw new InvalidDataException($"'{path}' must hold a list of refs, but holds {DescribeValue(content)}.");
        var refs = new List<ReferRef>(list.Count);
        var seen = new HashSet<long>();
        for (int i = 0; i < list.Count; i++)
        {
            var parsed = ParseRef(list[i], $"'{path}' ref #{i}");
            if (!seen.Add(parsed.RefId))
                throw new InvalidDataException($"'{path}' ref #{i}: ref_id {parsed.RefId} appears twice.");
            refs.Add(parsed);
        }
        return refs;
    }

    private static object? ReadPickle(string path)
    {
        object? raw;
        using var stream = File.OpenRead(path);
        try
        {
            using var unpickler = new Unpickler();
            raw = unpickler.load(stream);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"'{path}' is not a readable pickle ({e.GetType().Name}: {e.Message}).", e);
        }
        return FromPickle(raw, path);
    }

    private static object? ReadJson(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            return FromJson(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}", e);
        }
    }

    // Pickled values become plain values: lists, string-keyed dictionaries, strings, longs, doubles, booleans.
    private static object? FromPickle(object? value, string path) => value switch
    {
        null => null,
        string s => FixPython2Text(s),
        byte[] bytes => DecodeBytes(bytes),
        bool b => b,
        int or long or short or sbyte or byte or ushort or uint => Convert.ToInt64(value),
        BigInteger big => big >= long.MinValue && big <= long.MaxValue ? (long)big : (double)big,
        double or float or decimal => Convert.ToDouble(value),
        IDictionary dict => PickleDictionary(dict, path),
        IList list => PickleList(list, path),
        _ => new UnsupportedValue(value.GetType().Name),
    };

    private static Dictionary<string, object?> PickleDictionary(IDictionary dict, string path)
    {
        var result = new Dictionary<string, object?>(dict.Count);
        foreach (DictionaryEntry entry in dict)
        {
            string key = FromPickle(entry.Key, path) as string ?? Convert.ToString(entry.Key) ?? "";
            result[key] = FromPickle(entry.Value, path);
        }
        return result;
    }

    private static List<object?> PickleList(IList list, string path)
    {
        var result = new List<object?>(list.Count);
        foreach (var item in list) result.Add(FromPickle(item, path));
        return result;
    }

    private static object? FromJson(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value)),
        JsonValueKind.Array => e.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out long l) ? (object)l : e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>
    /// A Python 2 <c>str</c> holds bytes; the unpickler may hand them back one char per byte. Text that is valid
    /// UTF-8 read that way is decoded as UTF-8 (what the annotators' tools wrote); anything else is kept.
    /// </summary>
    private static string FixPython2Text(string s)
    {
        bool high = false;
        foreach (char c in s)
        {
            if (c > 0xFF) return s;
            if (c >= 0x80) high = true;
        }
        if (!high) return s;
        var bytes = new byte[s.Length];
        for (int i = 0; i < s.Length; i++) bytes[i] = (byte)s[i];
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return s;
        }
    }

    private static string DecodeBytes(byte[] bytes)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(bytes);
        }
    }

    private static ReferRef ParseRef(object? value, string where)
    {
        if (value is not Dictionary<string, object?> dict)
            throw new InvalidDataException($"{where} is {DescribeValue(value)}, not a dict.");
        long refId = RequireLong(dict, "ref_id", where);
        where += $" (ref_id {refId})";
        var annIds = new List<long>();
        if (!dict.TryGetValue("ann_id", out var ann))
            throw new InvalidDataException($"{where} has no 'ann_id'.");
        if (ann is long single) annIds.Add(single);
        else if (ann is List<object?> many && many.Count > 0 && many.All(a => a is long))
            annIds.AddRange(many.Cast<long>());
        else
            throw new InvalidDataException($"{where} 'ann_id' is {DescribeValue(ann)}; expected an integer or a non-empty list of integers.");
        long imageId = RequireLong(dict, "image_id", where);
        if (!dict.TryGetValue("split", out var splitValue) || splitValue is not string split)
            throw new InvalidDataException($"{where} has no 'split' text.");
        if (!dict.TryGetValue("sentences", out var sentencesValue) || sentencesValue is not List<object?> sentenceList)
            throw new InvalidDataException($"{where} has no 'sentences' list.");
        var sentences = new List<ReferSentence>(sentenceList.Count);
        for (int s = 0; s < sentenceList.Count; s++)
        {
            string at = $"{where} sentence #{s}";
            if (sentenceList[s] is not Dictionary<string, object?> sentence)
                throw new InvalidDataException($"{at} is {DescribeValue(sentenceList[s])}, not a dict.");
            long sentId = RequireLong(sentence, "sent_id", at);
            string? raw = sentence.GetValueOrDefault("raw") as string;
            string? sent = sentence.GetValueOrDefault("sent") as string;
            if (raw is null && sent is null)
                throw new InvalidDataException($"{at} (sent_id {sentId}) has neither 'raw' nor 'sent' text.");
            var tokens = sentence.GetValueOrDefault("tokens") is List<object?> tokenList
                ? tokenList.Select(t => t as string ?? Convert.ToString(t) ?? "").ToList()
                : new List<string>();
            sentences.Add(new ReferSentence(sentId, raw ?? sent!, sent ?? raw!, tokens));
        }
        return new ReferRef(refId, annIds, imageId, split, sentences);
    }

    private static long RequireLong(Dictionary<string, object?> dict, string key, string where)
    {
        if (!dict.TryGetValue(key, out var value))
            throw new InvalidDataException($"{where} has no '{key}'.");
        return value as long? ?? throw new InvalidDataException($"{where} '{key}' is {DescribeValue(value)}, not an integer.");
    }

    private static string DescribeValue(object? value) => value switch
    {
        null => "None/null",
        string s => $"the text '{(s.Length > 40 ? s[..40] + "..." : s)}'",
        long l => $"the integer {l}",
        double d => $"the number {d}",
        bool b => $"the boolean {b}",
        List<object?> => "a list",
        Dictionary<string, object?> => "a dict",
        UnsupportedValue u => $"an object of type {u.TypeName}",
        _ => value.GetType().Name,
    };

    private sealed record UnsupportedValue(string TypeName);
}
