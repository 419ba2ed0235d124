namespace MagNet.ML;

/// <summary>How <see cref="ReferringJsonlWriter"/> writes the <c>image</c> path of a row.</summary>
public enum JsonlImagePaths
{
    /// <summary>Relative to the output folder when the image lies inside it (the folder stays movable), absolute otherwise.</summary>
    Auto,

    /// <summary>Always relative to the output folder (may climb out of it with <c>..</c>).</summary>
    Relative,

    /// <summary>Always absolute.</summary>
    Absolute,
}
