using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MagNet.ML;

/// <summary>
/// Entry points of the referring-segmentation readers: REFER (RefCOCO, RefCOCO+, G-Ref), gRefCOCO and the
/// JSONL/folder format. <c>Read*</c> methods return the rows as <see cref="ReferringRecord"/>s (with the rows an
/// option skipped); <c>Load*</c> methods return an <see cref="IDataView"/> with the columns <c>Id</c>,
/// <c>ImagePath</c>, <c>Image</c> (<c>MLImage</c>, decoded lazily), <c>Expression</c>, <c>Mask</c> (<c>MLImage</c>,
/// white = foreground, same size as the image; only for labelled rows), <c>Split</c> and extra text columns.
/// </summary>
public static class ReferringDatasets
{
    /// <summary>
    /// Reads a REFER data set, one row per sentence: <c>root/dataset/refs(splitBy).p</c> and
    /// <c>root/dataset/instances.json</c>, images from <see cref="ReferOptions.ImageDirectory"/>. The expression
    /// is the sentence's <c>raw</c> text (what LAVT and MagNet tokenise); the row id is the <c>sent_id</c>; extras
    /// <c>ref_id</c>, <c>ann_id</c>, <c>sent_id</c>. Splits follow REFER's <c>getRefIds</c>: <c>testA</c> keeps refs
    /// whose split contains "A", <c>test</c> every split containing "test", an empty split every ref. Masks follow
    /// COCO's rules with REFER's overlap rule (<see cref="ReferOptions.OverlapAsBackground"/>). The dataset
    /// <c>grefcoco</c> is read with <see cref="ReadGRefCoco"/>.
    /// Throws <see cref="FileNotFoundException"/>, <see cref="InvalidDataException"/> or
    /// <see cref="ArgumentException"/> naming the file, ref and fault.
    /// </summary>
    /// <param name="root">The REFER data folder (holding <c>refcoco/</c>, <c>refcoco+/</c>, <c>refcocog/</c>, <c>images/</c>).</param>
    /// <param name="dataset"><c>refcoco</c>, <c>refcoco+</c>, <c>refcocog</c> (or another folder in the same format).</param>
    /// <param name="splitBy"><c>unc</c> for RefCOCO/RefCOCO+, <c>umd</c> or <c>google</c> for G-Ref.</param>
    /// <param name="split"><c>train</c>, <c>val</c>, <c>test</c>, <c>testA</c>, <c>testB</c>, ... or empty for all.</param>
    /// <param name="options">Reader options; <c>null</c> for the defaults.</param>
    public static ReferringRecordList ReadRefer(string root, string dataset, string splitBy, string split, ReferOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataset);
        ArgumentException.ThrowIfNullOrWhiteSpace(splitBy);
        ArgumentNullException.ThrowIfNull(split);
        if (string.Equals(dataset, "grefcoco", StringComparison.OrdinalIgnoreCase))
            return ReadGRefCoco(root, split, splitBy, options);
        options ??= new ReferOptions();
        string folder = Path.Combine(root, dataset);
        string refsPath = Path.Combine(folder, $"refs({splitBy}).p");
        if (!File.Exists(refsPath))
            throw new FileNotFoundException(
                $"Refs file '{refsPath}' does not exist (expected <root>/<dataset>/refs(<splitBy>).p, REFER's layout).", refsPath);
        var refs = ReferSplits.SelectRefer(ReferRefsFile.Read(refsPath), split, refsPath);
        var instances = CocoInstances.Load(Path.Combine(folder, "instances.json"));
        string images = options.ImageDirectory ?? Path.Combine(root, "images", "mscoco", "images", "train2014");
        return ReferRecordReader.Read(refs, instances, images, multiTarget: false, options, refsPath);
    }

    /// <summary>
    /// Reads gRefCOCO, one row per sentence: <c>root/grefcoco/grefs(splitBy).p</c> or <c>.json</c> and
    /// <c>root/grefcoco/instances.json</c>. The mask is the union of the targets' masks with crowd annotations left
    /// out; a no-target expression (<c>ann_id == [-1]</c>) gets an empty mask. The split must be one the file uses
    /// (exact match). <c>ann_id</c> is kept as a JSON list text (<c>[101,107]</c>). Images come from
    /// <see cref="ReferOptions.ImageDirectory"/>, by default <c>root/images/train2014</c> (gRefCOCO's layout) or,
    /// when that folder does not exist, REFER's <c>root/images/mscoco/images/train2014</c>.
    /// </summary>
    /// <param name="root">The folder holding <c>grefcoco/</c> and <c>images/</c>.</param>
    /// <param name="split"><c>train</c>, <c>val</c>, <c>testA</c>, <c>testB</c>, or empty for all.</param>
    /// <param name="splitBy">The refs file variant (default <c>unc</c>).</param>
    /// <param name="options">Reader options; <c>null</c> for the defaults.</param>
    public static ReferringRecordList ReadGRefCoco(string root, string split, string splitBy = "unc", ReferOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(split);
        ArgumentException.ThrowIfNullOrWhiteSpace(splitBy);
        options ??= new ReferOptions();
        string folder = Path.Combine(root, "grefcoco");
        string refsPath = Path.Combine(folder, $"grefs({splitBy}).p");
        if (!File.Exists(refsPath)) refsPath = Path.Combine(folder, $"grefs({splitBy}).json");
        if (!File.Exists(refsPath))
            throw new FileNotFoundException(
                $"Refs file '{Path.Combine(folder, $"grefs({splitBy}).json")}' (or .p) does not exist (gRefCOCO's layout).", refsPath);
        var refs = ReferSplits.SelectGRefCoco(ReferRefsFile.Read(refsPath), split, refsPath);
        var instances = CocoInstances.Load(Path.Combine(folder, "instances.json"));
        string images = options.ImageDirectory ?? Path.Combine(root, "images", "train2014");
        if (options.ImageDirectory is null && !Directory.Exists(images))
        {
            string refer = Path.Combine(root, "images", "mscoco", "images", "train2014");
            if (Directory.Exists(refer)) images = refer;
        }
        return ReferRecordReader.Read(refs, instances, images, multiTarget: true, options, refsPath);
    }

    /// <summary>
    /// Reads a JSONL/folder data set: one JSON object per line with <c>image</c> (relative to the JSONL's folder, or
    /// absolute), <c>expression</c>, an optional <c>mask</c> (a PNG path, a COCO polygon list
    /// <c>[[x0,y0,...],...]</c>, or an RLE <c>{"size":[h,w],"counts": string or list}</c>), optional <c>id</c>
    /// (default: the line number) and <c>split</c>; other fields go to <see cref="ReferringRecord.Extras"/>. An empty
    /// polygon list <c>[]</c> is an empty mask (a no-target row); no <c>mask</c> at all is an unlabelled row. This is
    /// the layout <see cref="ReferringJsonlWriter"/> and <c>magnet convert-refer</c> write. Bad rows are exceptions
    /// naming the file, line and fault unless <see cref="JsonlOptions.SkipInvalidRows"/> is set.
    /// </summary>
    public static ReferringRecordList ReadJsonl(string path, JsonlOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return JsonlDataset.Read(path, options ?? new JsonlOptions(), out _);
    }

    /// <summary>
    /// <see cref="ReadRefer"/> as an <see cref="IDataView"/>, with the extra text columns <c>RefId</c>, <c>AnnId</c>,
    /// <c>SentId</c>. Rows skipped by an option are reported as a warning through <c>MLContext.Log</c>; use
    /// <see cref="ReadRefer"/> to get them as a list.
    /// </summary>
    public static IDataView LoadRefer(MLContext ml, string root, string dataset, string splitBy, string split, ReferOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ml);
        var records = ReadRefer(root, dataset, splitBy, split, options);
        ReportSkipped(ml, records, $"{dataset} ({splitBy}, {split})");
        return FromRecords(ml, records, ReferRecordReader.ExtraKeys);
    }

    /// <summary><see cref="ReadGRefCoco"/> as an <see cref="IDataView"/> (extra text columns <c>RefId</c>, <c>AnnId</c>, <c>SentId</c>).</summary>
    public static IDataView LoadGRefCoco(MLContext ml, string root, string split, string splitBy = "unc", ReferOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ml);
        var records = ReadGRefCoco(root, split, splitBy, options);
        ReportSkipped(ml, records, $"grefcoco ({splitBy}, {split})");
        return FromRecords(ml, records, ReferRecordReader.ExtraKeys);
    }

    /// <summary>
    /// <see cref="ReadJsonl"/> as an <see cref="IDataView"/>; the extra columns are
    /// <see cref="JsonlOptions.ExtraColumns"/>, by default every extra field whose values are all simple (strings,
    /// numbers, booleans). The <c>Mask</c> column is present when every row has a mask.
    /// </summary>
    public static IDataView LoadJsonl(MLContext ml, string path, JsonlOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ml);
        options ??= new JsonlOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var records = JsonlDataset.Read(path, options, out var simpleExtraKeys);
        ReportSkipped(ml, records, path);
        return FromRecords(ml, records, options.ExtraColumns ?? simpleExtraKeys);
    }

    /// <summary>
    /// The built-in synthetic relational set (<see cref="SyntheticReferringDataset"/>) generated in memory as an
    /// <see cref="IDataView"/>: the usual columns plus <c>Template</c>, <c>Hops</c> and <c>Targets</c> (text).
    /// </summary>
    public static IDataView LoadSynthetic(MLContext ml, SyntheticReferringDataset.Options options)
    {
        ArgumentNullException.ThrowIfNull(ml);
        var records = new SyntheticReferringDataset(options).Generate();
        return FromRecords(ml, records, SyntheticReferringDataset.SimpleExtraKeys);
    }

    /// <summary>
    /// Makes an <see cref="IDataView"/> over records (from any reader, or the synthetic set): text columns
    /// <c>Id</c>, <c>ImagePath</c>, <c>Expression</c>, <c>Split</c>; <c>Image</c> (<c>MLImage</c>) decoded lazily by
    /// the cursor; <c>Mask</c> (<c>MLImage</c>, white foreground on black) when the records have masks — all of them
    /// or none; and one text column per key of <paramref name="extraColumns"/>, named by
    /// <see cref="ExtraColumnName"/> (<c>ref_id</c> → <c>RefId</c>), empty where a record lacks the key. A cursor
    /// disposes a row's images when it moves on: copy them to keep them. A mask whose size differs from its image
    /// is an <see cref="InvalidDataException"/> naming the row. The records are not copied.
    /// </summary>
    public static IDataView FromRecords(MLContext ml, IReadOnlyList<ReferringRecord> records, IEnumerable<string>? extraColumns = null)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(records);
        return new ReferringRecordDataView(records, (extraColumns ?? Array.Empty<string>()).ToList());
    }

    /// <summary>
    /// The column name of an extra field: its words (split at <c>_</c>, <c>-</c>, spaces and dots) with capital
    /// initials, joined — <c>ref_id</c> → <c>RefId</c>, <c>template</c> → <c>Template</c>.
    /// </summary>
    public static string ExtraColumnName(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var name = new StringBuilder(key.Length);
        foreach (string word in key.Split(new[] { '_', '-', ' ', '.' }, StringSplitOptions.RemoveEmptyEntries))
            name.Append(char.ToUpperInvariant(word[0])).Append(word.AsSpan(1));
        return name.Length > 0 ? name.ToString() : key;
    }

    private static void ReportSkipped(MLContext ml, ReferringRecordList records, string source)
    {
        if (records.SkippedRows.Count == 0) return;
        var host = ((IHostEnvironment)ml).Register(nameof(ReferringDatasets));
        using var channel = host.Start("Read");
        var ids = string.Join(", ", records.SkippedRows.Take(20).Select(r => r.Row));
        string more = records.SkippedRows.Count > 20 ? ", ..." : "";
        channel.Warning(MessageSensitivity.None, string.Format(CultureInfo.InvariantCulture,
            "{0}: skipped {1} rows ({2}{3}); first reason: {4}", source, records.SkippedRows.Count, ids, more,
            records.SkippedRows[0].Reason));
    }
}
