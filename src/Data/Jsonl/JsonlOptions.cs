namespace MagNet.ML;

/// <summary>Options of the JSONL/folder reader (<see cref="ReferringDatasets.ReadJsonl"/>).</summary>
public sealed class JsonlOptions
{
    /// <summary>
    /// Default <c>true</c>: while reading, check every row's files — the image and a PNG mask exist and are
    /// readable images of the same size, an RLE has the image's size, polygon vertices lie in the image — so that
    /// faults surface as errors naming the line. <c>false</c> only parses the JSON; the same checks then run when
    /// a row's image or mask is loaded.
    /// </summary>
    public bool VerifyFiles { get; set; } = true;

    /// <summary>
    /// Default <c>false</c>: the first bad row is an exception naming the file, the line and the fault.
    /// <c>true</c> leaves bad rows out and lists them in <see cref="ReferringRecordList.SkippedRows"/>.
    /// </summary>
    public bool SkipInvalidRows { get; set; }

    /// <summary>
    /// How far, in pixels, a polygon vertex may lie outside the image before it counts as out of bounds
    /// (default 1; rasterisation clips to the image either way).
    /// </summary>
    public double PolygonTolerance { get; set; } = 1.0;

    /// <summary>
    /// The extra fields <see cref="ReferringDatasets.LoadJsonl"/> turns into text columns (see
    /// <see cref="ReferringDatasets.FromRecords"/> for their names). Default <c>null</c>: every extra field whose
    /// values are all strings, numbers or booleans (lists and objects, such as a scene description, stay in
    /// <see cref="ReferringRecord.Extras"/> as JSON text).
    /// </summary>
    public IReadOnlyList<string>? ExtraColumns { get; set; }
}
