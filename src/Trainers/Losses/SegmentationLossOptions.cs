namespace MagNet.ML.Training;

/// <summary>
/// Settings of <see cref="SegmentationLoss"/>. The weights are Mask2Former's defaults, which MagNet is assumed to
/// keep (UNVERIFIED, MAGNET-SPEC §4.3 and §10 item 4).
/// </summary>
public sealed class SegmentationLossOptions
{
    /// <summary>The objective. Default <see cref="SegmentationLossKind.Mask2Former"/>.</summary>
    public SegmentationLossKind Kind { get; set; } = SegmentationLossKind.Mask2Former;

    /// <summary>Weight of the class cross-entropy per decoder output. Default 2.0.</summary>
    public double ClassWeight { get; set; } = 2.0;

    /// <summary>Weight of the sigmoid BCE mask term per decoder output. Default 5.0.</summary>
    public double MaskBceWeight { get; set; } = 5.0;

    /// <summary>Weight of the Dice mask term per decoder output. Default 5.0.</summary>
    public double DiceWeight { get; set; } = 5.0;

    /// <summary>Class weight of "no object" in the cross-entropy (Mask2Former's eos_coef). Default 0.1.</summary>
    public double NoObjectWeight { get; set; } = 0.1;

    /// <summary>Where the mask terms are evaluated. Default <see cref="MaskPointSampling.FullMap"/>.</summary>
    public MaskPointSampling Sampling { get; set; } = MaskPointSampling.FullMap;

    /// <summary>Points per mask with point sampling. Default 12544 (112²).</summary>
    public int NumPoints { get; set; } = 112 * 112;

    /// <summary>Uniform candidates per point with point sampling. Default 3.0.</summary>
    public double OversampleRatio { get; set; } = 3.0;

    /// <summary>Fraction of points chosen by uncertainty with point sampling. Default 0.75.</summary>
    public double ImportanceSampleRatio { get; set; } = 0.75;

    /// <summary>Background pixel weight of <see cref="SegmentationLossKind.LavtWeightedBce"/>. Default 0.9.</summary>
    public double LavtBackgroundWeight { get; set; } = 0.9;

    /// <summary>Foreground pixel weight of <see cref="SegmentationLossKind.LavtWeightedBce"/>. Default 1.1.</summary>
    public double LavtForegroundWeight { get; set; } = 1.1;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind)) throw new ArgumentException($"{nameof(Kind)} has the unknown value {Kind}.");
        if (!Enum.IsDefined(Sampling)) throw new ArgumentException($"{nameof(Sampling)} has the unknown value {Sampling}.");
        NonNegative(ClassWeight, nameof(ClassWeight));
        NonNegative(MaskBceWeight, nameof(MaskBceWeight));
        NonNegative(DiceWeight, nameof(DiceWeight));
        NonNegative(NoObjectWeight, nameof(NoObjectWeight));
        NonNegative(LavtBackgroundWeight, nameof(LavtBackgroundWeight));
        NonNegative(LavtForegroundWeight, nameof(LavtForegroundWeight));
        if (LavtBackgroundWeight + LavtForegroundWeight <= 0)
            throw new ArgumentException($"{nameof(LavtBackgroundWeight)} and {nameof(LavtForegroundWeight)} cannot both be 0.");
        if (NumPoints <= 0) throw new ArgumentException($"{nameof(NumPoints)} must be positive; got {NumPoints}.");
        if (!(OversampleRatio >= 1)) throw new ArgumentException($"{nameof(OversampleRatio)} must be at least 1; got {OversampleRatio}.");
        if (!(ImportanceSampleRatio >= 0 && ImportanceSampleRatio <= 1))
            throw new ArgumentException($"{nameof(ImportanceSampleRatio)} must be in [0, 1]; got {ImportanceSampleRatio}.");
    }

    private static void NonNegative(double value, string name)
    {
        if (!(value >= 0)) throw new ArgumentException($"{name} must be non-negative; got {value}.");
    }
}
