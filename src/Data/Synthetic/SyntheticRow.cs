namespace MagNet.ML;

/// <summary>One generated row: where it comes from, its scene and its expression.</summary>
internal sealed record SyntheticRow(string Split, int SceneIndex, int ExpressionIndex, SceneGraph Scene, ReferringExpression Expression)
{
    /// <summary>Row id, e.g. <c>train-000042-0</c> (split, scene, expression within the scene).</summary>
    public string Id => $"{Split}-{SceneIndex:D6}-{ExpressionIndex}";

    /// <summary>File name of the scene's image, e.g. <c>train-000042.png</c>.</summary>
    public string ImageName => $"{Split}-{SceneIndex:D6}.png";
}
