namespace MagNet.ML;

/// <summary>
/// Floating-point operations of one MagNet forward pass (batch 1), counted as 2 × multiply-accumulates of every
/// linear layer, convolution and activation product; element-wise work (norms, softmax, activations, interpolation,
/// <c>grid_sample</c>) is not counted. Produced by <see cref="MagNetFlops.Count"/>.
/// </summary>
public sealed class MagNetFlopCount
{
    private readonly OrderedDictionary<string, long> byPart;
    private readonly Dictionary<MagNetFlopKind, long> byKind;

    internal MagNetFlopCount(OrderedDictionary<string, long> byPart, Dictionary<MagNetFlopKind, long> byKind)
    {
        this.byPart = byPart;
        this.byKind = byKind;
    }

    /// <summary>All counted operations.</summary>
    public long Total => byKind.Values.Sum();

    /// <summary>
    /// The operations PyTorch's profiler counts (<c>with_flops</c>: <c>addmm</c>, <c>mm</c>, <c>bmm</c>, <c>conv2d</c>):
    /// <see cref="Total"/> without the <see cref="MagNetFlopKind.Conv1d"/> work. This is the figure to compare with
    /// profiler measurements of the official code (≈313 GFLOPs for MagNet-B at 480²).
    /// </summary>
    public long ProfilerCounted => Total - Of(MagNetFlopKind.Conv1d);

    /// <summary>
    /// Operations per part of the forward pass, in execution order: <c>image.stem</c>, then for stage i = 1..4
    /// <c>image.stage{i}.swin</c> (Swin blocks), <c>text.stage{i}.bert</c> (BERT layer group),
    /// <c>image.stage{i}.fusion</c> (PWAM, gate, CAM, mixer and PatchMerging) and <c>text.stage{i}.fusion</c>
    /// (language PWAM and gate); then <c>head.pixel_decoder</c> and <c>head.transformer_decoder</c>.
    /// </summary>
    public IReadOnlyDictionary<string, long> ByPart => byPart;

    /// <summary>Operations per kind of work (every kind is present, possibly 0).</summary>
    public IReadOnlyDictionary<MagNetFlopKind, long> ByKind => byKind;

    /// <summary>Operations of one kind.</summary>
    public long Of(MagNetFlopKind kind) => byKind.GetValueOrDefault(kind);

    /// <summary>Operations of the parts whose name starts with <paramref name="prefix"/> (e.g. <c>image.stage3</c>, <c>head.</c>).</summary>
    public long OfParts(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return byPart.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(e => e.Value);
    }
}
