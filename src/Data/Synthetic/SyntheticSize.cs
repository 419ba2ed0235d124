namespace MagNet.ML;

/// <summary>The two object sizes of the synthetic set.</summary>
public enum SyntheticSize
{
    /// <summary>Radius 8.0–9.5 % of the canvas side.</summary>
    Small,
    /// <summary>Radius 14.5–17.5 % of the canvas side.</summary>
    Large,
}
