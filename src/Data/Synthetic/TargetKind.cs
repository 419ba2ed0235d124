namespace MagNet.ML;

/// <summary>How many objects an expression is to refer to.</summary>
internal enum TargetKind
{
    /// <summary>Exactly one object.</summary>
    Single,
    /// <summary>Two or more objects.</summary>
    Multiple,
    /// <summary>No object at all.</summary>
    None,
}
