using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Internal;

/// <summary>
/// Creates <see cref="SchemaShape.Column"/> values, whose only constructor ML.NET keeps internal. This is the one place
/// that reaches it (by reflection); a unit test fails loudly if a Microsoft.ML update changes that constructor.
/// </summary>
internal static class SchemaShapeFactory
{
    private static readonly ConstructorInfo? ColumnConstructor = typeof(SchemaShape.Column).GetConstructor(
        BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public,
        binder: null,
        [typeof(string), typeof(SchemaShape.Column.VectorKind), typeof(DataViewType), typeof(bool), typeof(SchemaShape)],
        modifiers: null);

    /// <summary>True when the constructor this factory relies on exists.</summary>
    public static bool IsSupported => ColumnConstructor is not null;

    /// <summary>A column description: name, scalar/vector kind, item type (never a vector type), key flag.</summary>
    public static SchemaShape.Column Column(string name, SchemaShape.Column.VectorKind kind, DataViewType itemType,
        bool isKey = false, SchemaShape? annotations = null)
    {
        if (ColumnConstructor is null)
            throw new NotSupportedException(
                "This Microsoft.ML version has no SchemaShape.Column(string, VectorKind, DataViewType, bool, SchemaShape) constructor; " +
                "MagNet.ML is built for Microsoft.ML 5.0.1.");
        try
        {
            return (SchemaShape.Column)ColumnConstructor.Invoke([name, kind, itemType, isKey, annotations]);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    /// <summary>A scalar column of <paramref name="type"/>.</summary>
    public static SchemaShape.Column Scalar(string name, DataViewType type) =>
        Column(name, SchemaShape.Column.VectorKind.Scalar, type);

    /// <summary>A known-size vector column of <paramref name="itemType"/> items.</summary>
    public static SchemaShape.Column Vector(string name, PrimitiveDataViewType itemType) =>
        Column(name, SchemaShape.Column.VectorKind.Vector, itemType);

    /// <summary>
    /// <paramref name="input"/> with <paramref name="outputs"/> added; an output replaces an input column of the same
    /// name (as ML.NET estimators do).
    /// </summary>
    public static SchemaShape Append(SchemaShape input, params SchemaShape.Column[] outputs)
    {
        var columns = new List<SchemaShape.Column>(input);
        foreach (var output in outputs)
        {
            int existing = columns.FindIndex(c => c.Name == output.Name);
            if (existing >= 0) columns[existing] = output;
            else columns.Add(output);
        }
        return new SchemaShape(columns);
    }
}
