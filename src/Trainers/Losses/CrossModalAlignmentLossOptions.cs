namespace MagNet.ML.Training;

/// <summary>
/// Settings of the Cross-modal Alignment Loss (<see cref="CrossModalAlignmentLoss"/>). Temperatures and weights are
/// the author's training-script values (<c>--plic_pos_temp 0.1 --plic_neg_temp 0.1 --plic_lang_temp 0.3</c>, each
/// weight 0.5); the pixel sampling cap is this package's choice to bound memory.
/// </summary>
public sealed class CrossModalAlignmentLossOptions
{
    /// <summary>Temperature τ₊ of the positive-pixel term. Default 0.1.</summary>
    public double PositiveTemperature { get; set; } = 0.1;

    /// <summary>Temperature τ₋ of the negative-pixel term. Default 0.1.</summary>
    public double NegativeTemperature { get; set; } = 0.1;

    /// <summary>Temperature τ_l of the pixel-language term. Default 0.3.</summary>
    public double LanguageTemperature { get; set; } = 0.3;

    /// <summary>Weight of the positive-pixel term in the total. Default 0.5.</summary>
    public double PositiveWeight { get; set; } = 0.5;

    /// <summary>Weight of the negative-pixel term in the total. Default 0.5.</summary>
    public double NegativeWeight { get; set; } = 0.5;

    /// <summary>Weight of the pixel-language term in the total. Default 0.5.</summary>
    public double LanguageWeight { get; set; } = 0.5;

    /// <summary>
    /// Most foreground pixels and most background pixels used per image (each set sampled uniformly without
    /// replacement when larger), so the pixel-pixel similarity matrix is at most (2·cap)² per image. Default 256.
    /// 0 or less uses every pixel (memory grows with the square of the map area: 14,400² at 120²).
    /// </summary>
    public int MaxPixelsPerSet { get; set; } = 256;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        Check(PositiveTemperature > 0, nameof(PositiveTemperature), PositiveTemperature, "positive");
        Check(NegativeTemperature > 0, nameof(NegativeTemperature), NegativeTemperature, "positive");
        Check(LanguageTemperature > 0, nameof(LanguageTemperature), LanguageTemperature, "positive");
        Check(PositiveWeight >= 0, nameof(PositiveWeight), PositiveWeight, "non-negative");
        Check(NegativeWeight >= 0, nameof(NegativeWeight), NegativeWeight, "non-negative");
        Check(LanguageWeight >= 0, nameof(LanguageWeight), LanguageWeight, "non-negative");
    }

    private static void Check(bool ok, string name, double value, string what)
    {
        if (!ok) throw new ArgumentException($"{name} must be {what}; got {value}.");
    }
}
