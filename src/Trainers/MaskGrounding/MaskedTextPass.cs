namespace MagNet.ML.Training;

/// <summary>
/// Which encoder pass produces the masked-sentence features the Mask Grounding head reads. The paper body could
/// not be read, so this is a design choice to ablate (MAGNET-SPEC §4.1). The head itself takes the features as an
/// input; the trainer runs the pass this option names.
/// </summary>
public enum MaskedTextPass
{
    /// <summary>
    /// A second forward of the whole multimodal backbone (interleaved language layers with fusion) on the masked
    /// sentence; the stage-4 visual features given to the head come from the same pass. Lets Mask Grounding
    /// gradients reach the fusion modules, at roughly twice the backbone cost. The default.
    /// </summary>
    MultimodalPass,

    /// <summary>
    /// The language layers alone (no image fusion) on the masked sentence; the stage-4 visual features come from the
    /// ordinary (unmasked) multimodal pass. Cheaper; the predictor alone must ground the masked words.
    /// </summary>
    LanguageOnlyPass,
}
