namespace MagNet.ML;

/// <summary>
/// A generated expression: its text, template family, hop count and the draw orders of the objects it refers to,
/// plus what the split rules look at (colour+shape pairs named, relation+subject-shape pairs).
/// </summary>
internal sealed record ReferringExpression(
    string Text,
    string Family,
    int Hops,
    IReadOnlyList<int> Targets,
    IReadOnlyList<(SyntheticColour Colour, SyntheticShape Shape)> NamedColourShapes,
    IReadOnlyList<(SpatialRelation Relation, SyntheticShape Shape)> RelationShapes);
