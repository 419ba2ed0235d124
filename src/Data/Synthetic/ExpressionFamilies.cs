namespace MagNet.ML;

/// <summary>
/// Names of the template families of the synthetic set, as written in the <c>template</c> field of each row.
/// Hop counts: attribute 0, ordinal 0, one-hop 1, two-hop 2, same-attribute 1, multi-target 0, no-target 0 or 1.
/// </summary>
public static class ExpressionFamilies
{
    /// <summary>Zero-hop: a minimal unique set of attributes, sometimes with a redundant one ("the large red circle").</summary>
    public const string Attribute = "attribute";
    /// <summary>Position among objects of one shape or among all objects ("the second square from the left").</summary>
    public const string Ordinal = "ordinal";
    /// <summary>One spatial relation to a uniquely described anchor ("the circle left of the blue square").</summary>
    public const string OneHop = "one-hop";
    /// <summary>Two chained relations ("the square above the circle that is right of the green triangle").</summary>
    public const string TwoHop = "two-hop";
    /// <summary>Same colour, shape or size as an anchor ("the triangle with the same colour as the large square").</summary>
    public const string SameAttribute = "same-attribute";
    /// <summary>Two or more targets: plural noun phrases and either/or sets ("the red shapes").</summary>
    public const string MultiTarget = "multi-target";
    /// <summary>An expression whose referent is not in the scene; its mask is empty.</summary>
    public const string NoTarget = "no-target";

    /// <summary>The families of single-target expressions.</summary>
    public static IReadOnlyList<string> SingleTarget { get; } = [Attribute, Ordinal, OneHop, TwoHop, SameAttribute];
}
