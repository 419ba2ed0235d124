namespace MagNet.ML;

/// <summary>The eight object colours of the synthetic set (CLEVR's palette); lower-case names are the expression words.</summary>
public enum SyntheticColour
{
    /// <summary>Red.</summary>
    Red,
    /// <summary>Green.</summary>
    Green,
    /// <summary>Blue.</summary>
    Blue,
    /// <summary>Yellow.</summary>
    Yellow,
    /// <summary>Purple.</summary>
    Purple,
    /// <summary>Cyan.</summary>
    Cyan,
    /// <summary>Gray (also written "grey" in expressions).</summary>
    Gray,
    /// <summary>Brown.</summary>
    Brown,
}
