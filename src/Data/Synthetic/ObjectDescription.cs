namespace MagNet.ML;

/// <summary>
/// The attribute filter of a noun phrase: "the large red circle" is (Large, Red, Circle); "the object" names nothing.
/// </summary>
internal readonly record struct ObjectDescription(SyntheticSize? Size, SyntheticColour? Colour, SyntheticShape? Shape)
{
    /// <summary>Every description built from a subset of <paramref name="o"/>'s attributes, indexed by a 3-bit set (size, colour, shape).</summary>
    public static ObjectDescription FromSubset(SceneObject o, int subset) => new(
        (subset & 1) != 0 ? o.Size : null,
        (subset & 2) != 0 ? o.Colour : null,
        (subset & 4) != 0 ? o.Shape : null);

    /// <summary>Number of attributes named.</summary>
    public int Count => (Size.HasValue ? 1 : 0) + (Colour.HasValue ? 1 : 0) + (Shape.HasValue ? 1 : 0);

    /// <summary>Whether <paramref name="attribute"/> is named.</summary>
    public bool Names(ObjectAttribute attribute) => attribute switch
    {
        ObjectAttribute.Size => Size.HasValue,
        ObjectAttribute.Colour => Colour.HasValue,
        ObjectAttribute.Shape => Shape.HasValue,
        _ => false,
    };

    /// <summary>True when every named attribute equals the object's.</summary>
    public bool Matches(SceneObject o) =>
        (Size is null || Size == o.Size) && (Colour is null || Colour == o.Colour) && (Shape is null || Shape == o.Shape);
}
