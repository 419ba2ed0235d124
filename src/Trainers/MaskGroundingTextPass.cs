namespace MagNet.ML;

/// <summary>
/// Which forward pass gives Mask Grounding the features of the masked sentence (an open design choice of the paper,
/// MAGNET-SPEC §4.1, to ablate). Either way Mask Grounding adds nothing to inference.
/// </summary>
public enum MaskGroundingTextPass
{
    /// <summary>
    /// A text-only pass of the language model (<c>MultiModalBert.ForwardText</c>: embeddings and every BERT layer, no
    /// image fusion) on the masked ids; the visual tokens come from the ordinary segmentation forward's stage-4
    /// feature Y4 on the unmasked sentence. The segmentation sees the full sentence. The default.
    /// </summary>
    TextEncoderOnly,

    /// <summary>
    /// The segmentation forward itself takes the masked ids: its final language features and Y4 feed Mask Grounding,
    /// and the segmentation (and alignment) losses are computed on the masked sentence. No extra pass.
    /// </summary>
    Shared,
}
