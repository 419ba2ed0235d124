namespace MagNet.ML;

/// <summary>
/// One ref of a REFER data set: an object (or, in gRefCOCO, a set of objects or none) of one image and the
/// sentences that refer to it.
/// </summary>
/// <param name="RefId">The ref id.</param>
/// <param name="AnnIds">The COCO annotation ids of the referred objects: one for RefCOCO/+/g; gRefCOCO lists
/// several, and <c>[-1]</c> for a no-target expression.</param>
/// <param name="ImageId">The COCO image id.</param>
/// <param name="Split">The split the ref belongs to (<c>train</c>, <c>val</c>, <c>testA</c>, ...).</param>
/// <param name="Sentences">The sentences.</param>
public sealed record ReferRef(long RefId, IReadOnlyList<long> AnnIds, long ImageId, string Split, IReadOnlyList<ReferSentence> Sentences)
{
    /// <summary>True for a gRefCOCO no-target ref (<c>ann_id == [-1]</c>).</summary>
    public bool IsNoTarget => AnnIds.Count == 1 && AnnIds[0] == -1;
}
