using System.Reflection;
using Microsoft.ML;

namespace MagNet.ML.Tests.Trainer;

/// <summary>The <see cref="SchemaShape"/> of a data view schema (ML.NET keeps <c>SchemaShape.Create</c> internal).</summary>
internal static class SchemaShapes
{
    public static SchemaShape Of(DataViewSchema schema) =>
        (SchemaShape)typeof(SchemaShape).GetMethod("Create", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, [typeof(DataViewSchema)])!
            .Invoke(null, [schema])!;
}
