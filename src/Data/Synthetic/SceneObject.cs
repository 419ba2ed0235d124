namespace MagNet.ML;

/// <summary>
/// One object of a synthetic scene: its attributes and its geometry in pixels (x to the right, y down).
/// Its draw order is its index in <see cref="SceneGraph.Objects"/>; later objects occlude earlier ones.
/// </summary>
public sealed class SceneObject
{
    /// <summary>Creates an object; <paramref name="radius"/> sets the scale of every shape (see <see cref="SyntheticShape"/>).</summary>
    public SceneObject(SyntheticShape shape, SyntheticColour colour, SyntheticSize size, double centerX, double centerY, double radius)
    {
        if (!Enum.IsDefined(shape)) throw new ArgumentOutOfRangeException(nameof(shape), $"Unknown shape {shape}.");
        if (!Enum.IsDefined(colour)) throw new ArgumentOutOfRangeException(nameof(colour), $"Unknown colour {colour}.");
        if (!Enum.IsDefined(size)) throw new ArgumentOutOfRangeException(nameof(size), $"Unknown size {size}.");
        if (!(radius > 0)) throw new ArgumentOutOfRangeException(nameof(radius), $"The radius must be positive, got {radius}.");
        Shape = shape;
        Colour = colour;
        Size = size;
        CenterX = centerX;
        CenterY = centerY;
        Radius = radius;
    }

    /// <summary>The shape.</summary>
    public SyntheticShape Shape { get; }

    /// <summary>The colour.</summary>
    public SyntheticColour Colour { get; }

    /// <summary>The size class.</summary>
    public SyntheticSize Size { get; }

    /// <summary>Horizontal centre in pixels; spatial relations and ordinals compare centres.</summary>
    public double CenterX { get; }

    /// <summary>Vertical centre in pixels (grows downwards).</summary>
    public double CenterY { get; }

    /// <summary>The scale of the shape in pixels (a circle's radius; other shapes are scaled from it).</summary>
    public double Radius { get; }

    /// <summary>Returns e.g. <c>large red circle at (40, 52)</c>.</summary>
    public override string ToString() =>
        $"{Size.ToString().ToLowerInvariant()} {Colour.ToString().ToLowerInvariant()} {Shape.ToString().ToLowerInvariant()} at ({CenterX}, {CenterY})";
}
