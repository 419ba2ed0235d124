using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace MagNet.ML.Internal;

/// <summary>
/// Checks that an input column exists and has the type a component needs, in a <see cref="DataViewSchema"/> or a
/// <see cref="SchemaShape"/>. Failures throw <see cref="ArgumentOutOfRangeException"/> (what ML.NET throws for a schema
/// mismatch) with a message naming the component, the column, the type found and the type expected.
/// </summary>
internal sealed class InputColumnCheck
{
    private InputColumnCheck(string expected, Func<DataViewType, bool> accepts)
    {
        Expected = expected;
        Accepts = accepts;
    }

    /// <summary>A scalar text column (<see cref="TextDataViewType"/>).</summary>
    public static InputColumnCheck Text { get; } = new("a text column (String)", t => t is TextDataViewType);

    /// <summary>A scalar image column (<see cref="ImageDataViewType"/>, values of <see cref="MLImage"/>).</summary>
    public static InputColumnCheck Image { get; } =
        new("an image column (MLImage, e.g. from LoadImages)", t => t is ImageDataViewType);

    /// <summary>Description of the expected type, used in messages.</summary>
    public string Expected { get; }

    private Func<DataViewType, bool> Accepts { get; }

    /// <summary>Returns the column named <paramref name="name"/>, or throws when it is missing or of another type.</summary>
    public DataViewSchema.Column Require(DataViewSchema schema, string name, string component)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var column = schema.GetColumnOrNull(name)
            ?? throw Missing(name, component, "inputSchema");
        if (!Accepts(column.Type)) throw Mismatch(name, component, Describe(column.Type), "inputSchema");
        return column;
    }

    /// <summary>Returns the column named <paramref name="name"/>, or throws when it is missing or of another type.</summary>
    public SchemaShape.Column Require(SchemaShape schema, string name, string component)
    {
        ArgumentNullException.ThrowIfNull(schema);
        SchemaShape.Column? found = null;
        foreach (var column in schema)
            if (column.Name == name) found = column;
        if (found is not SchemaShape.Column c) throw Missing(name, component, "inputSchema");
        if (c.Kind != SchemaShape.Column.VectorKind.Scalar || c.IsKey || !Accepts(c.ItemType))
        {
            string item = c.IsKey ? $"Key<{Describe(c.ItemType)}>" : Describe(c.ItemType);
            string found2 = c.Kind == SchemaShape.Column.VectorKind.Scalar ? item : $"{c.Kind} of {item}";
            throw Mismatch(name, component, found2, "inputSchema");
        }
        return c;
    }

    private static string Describe(DataViewType type) => type.ToString() ?? type.GetType().Name;

    private ArgumentOutOfRangeException Missing(string name, string component, string parameter) =>
        new(parameter, $"{component}: input column '{name}' was not found; it must be {Expected}.");

    private ArgumentOutOfRangeException Mismatch(string name, string component, string found, string parameter) =>
        new(parameter, $"{component}: input column '{name}' has type {found}; it must be {Expected}.");
}
