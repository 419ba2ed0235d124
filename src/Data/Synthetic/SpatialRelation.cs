namespace MagNet.ML;

/// <summary>The four spatial relations of the synthetic expressions, judged between object centres in image axes.</summary>
internal enum SpatialRelation
{
    Left,
    Right,
    Above,
    Below,
}

/// <summary>Whether a relation holds between two objects, with a dead band so that no answer hinges on a pixel.</summary>
internal enum RelationState
{
    /// <summary>The subject is beyond the anchor by more than the margin in the relation's direction.</summary>
    Holds,
    /// <summary>The subject is level with the anchor or on the other side of it.</summary>
    Fails,
    /// <summary>The subject is in the direction of the relation but within the margin: a reader could go either way.</summary>
    Ambiguous,
}

/// <summary>Judges spatial relations and orderings over a scene with the scene's margin.</summary>
internal static class SpatialJudge
{
    /// <summary>
    /// Signed offset of <paramref name="subject"/> from <paramref name="anchor"/> along the relation's direction:
    /// positive when the subject lies that way (e.g. for <see cref="SpatialRelation.Left"/>, anchor x − subject x).
    /// </summary>
    public static double Offset(SceneObject subject, SceneObject anchor, SpatialRelation relation) => relation switch
    {
        SpatialRelation.Left => anchor.CenterX - subject.CenterX,
        SpatialRelation.Right => subject.CenterX - anchor.CenterX,
        SpatialRelation.Above => anchor.CenterY - subject.CenterY,
        SpatialRelation.Below => subject.CenterY - anchor.CenterY,
        _ => throw new ArgumentOutOfRangeException(nameof(relation)),
    };

    /// <summary>Holds beyond the margin, fails at or behind zero, ambiguous in between.</summary>
    public static RelationState Judge(SceneObject subject, SceneObject anchor, SpatialRelation relation, double margin)
    {
        double d = Offset(subject, anchor, relation);
        if (d > margin) return RelationState.Holds;
        return d <= 0 ? RelationState.Fails : RelationState.Ambiguous;
    }

    /// <summary>
    /// The position of an object along an ordinal direction: sorting by it ascending puts the object nearest the named
    /// side first (<see cref="SpatialRelation.Left"/> = from the left, <see cref="SpatialRelation.Above"/> = from the top).
    /// </summary>
    public static double OrdinalKey(SceneObject o, SpatialRelation fromSide) => fromSide switch
    {
        SpatialRelation.Left => o.CenterX,
        SpatialRelation.Right => -o.CenterX,
        SpatialRelation.Above => o.CenterY,
        SpatialRelation.Below => -o.CenterY,
        _ => throw new ArgumentOutOfRangeException(nameof(fromSide)),
    };
}
