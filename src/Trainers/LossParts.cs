using static TorchSharp.torch;

namespace MagNet.ML;

/// <summary>The loss of a batch and its parts (scalars; Mask Grounding and alignment null when off).</summary>
internal readonly record struct LossParts(Tensor Total, Tensor Segmentation, Tensor? MaskGrounding, Tensor? Alignment);
