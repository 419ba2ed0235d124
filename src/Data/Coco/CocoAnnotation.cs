namespace MagNet.ML;

/// <summary>An entry of a COCO <c>annotations</c> list (the fields the referring readers use).</summary>
/// <param name="Id">The annotation id.</param>
/// <param name="ImageId">The id of the image it belongs to.</param>
/// <param name="CategoryId">The category id.</param>
/// <param name="IsCrowd">COCO's <c>iscrowd</c> flag (crowd regions are RLE-encoded groups of objects).</param>
/// <param name="Segmentation">The polygons or RLE of the object.</param>
public sealed record CocoAnnotation(long Id, long ImageId, long CategoryId, bool IsCrowd, CocoSegmentation Segmentation);
