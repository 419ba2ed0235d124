namespace MagNet.ML;

/// <summary>Shapes of the synthetic relational data set (lower-case names are the words used in expressions and JSON).</summary>
public enum SyntheticShape
{
    /// <summary>A disc of the object's radius.</summary>
    Circle,
    /// <summary>An axis-aligned square (half side 0.85 × radius).</summary>
    Square,
    /// <summary>An upward-pointing equilateral triangle (circumradius 1.25 × radius).</summary>
    Triangle,
    /// <summary>A square turned 45° (half diagonal 1.1 × radius).</summary>
    Diamond,
    /// <summary>A five-pointed star pointing up (outer radius 1.2 × radius, inner radius half of that).</summary>
    Star,
    /// <summary>A regular hexagon with a vertex at the top (circumradius = radius).</summary>
    Hexagon,
}
