namespace MagNet.ML;

/// <summary>The kind of multiply-accumulate work a <see cref="MagNetFlopCount"/> entry stands for.</summary>
public enum MagNetFlopKind
{
    /// <summary>Products with a weight matrix of a linear layer (<c>nn.Linear</c>, packed attention projections); <c>addmm</c>/<c>mm</c> in PyTorch.</summary>
    Linear,

    /// <summary>1-D convolutions (the kernel-1 <c>Conv1d</c> projections of the PWAMs). PyTorch's profiler does not count these.</summary>
    Conv1d,

    /// <summary>2-D convolutions (patch embedding, CAM pyramids, pixel-decoder projections and mask features).</summary>
    Conv2d,

    /// <summary>Products of two activations: attention scores and weighted values, and the mask-logit products.</summary>
    Matmul,
}
