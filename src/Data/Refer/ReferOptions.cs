namespace MagNet.ML;

/// <summary>Options of the REFER (RefCOCO, RefCOCO+, G-Ref) and gRefCOCO readers.</summary>
public sealed class ReferOptions
{
    /// <summary>
    /// Folder of the COCO images. Default <c>null</c>: REFER's layout, <c>&lt;root&gt;/images/mscoco/images/train2014</c>
    /// for RefCOCO/RefCOCO+/G-Ref and <c>&lt;root&gt;/images/train2014</c> for gRefCOCO (as its loader expects).
    /// </summary>
    public string? ImageDirectory { get; set; }

    /// <summary>
    /// Default <c>true</c>: pixels covered by two or more polygons of the referred object are background. This is
    /// REFER's quirk that LAVT and MagNet train and evaluate with (<c>getMask</c> sums the polygon masks and the
    /// data set keeps <c>mask == 1</c>), so metrics stay comparable with theirs. <c>false</c> takes the union,
    /// as pycocotools' <c>annToMask</c> would. gRefCOCO always takes the union, as its loader does.
    /// </summary>
    public bool OverlapAsBackground { get; set; } = true;

    /// <summary>
    /// Default <c>false</c>: a missing image file is an error naming it. <c>true</c> leaves out the rows of missing
    /// or unreadable images and lists them in <see cref="ReferringRecordList.SkippedRows"/>.
    /// </summary>
    public bool SkipMissingImages { get; set; }

    /// <summary>
    /// Default <c>false</c>: a ref whose annotation is missing or invalid (polygon outside the image, RLE of the
    /// wrong size) or whose image size differs from <c>instances.json</c> is an error. <c>true</c> leaves out its
    /// rows and lists them in <see cref="ReferringRecordList.SkippedRows"/>.
    /// </summary>
    public bool SkipInvalidRows { get; set; }

    /// <summary>
    /// How far, in pixels, a polygon vertex may lie outside the image before it counts as out of bounds
    /// (default 1; rasterisation clips to the image either way).
    /// </summary>
    public double PolygonTolerance { get; set; } = 1.0;

    /// <summary>
    /// Default <c>true</c>: read each image's header while reading the refs, so that unreadable images and sizes
    /// that differ from <c>instances.json</c> are found up front. <c>false</c> only checks that the files exist
    /// (faults then surface when an image is loaded).
    /// </summary>
    public bool VerifyImages { get; set; } = true;
}
