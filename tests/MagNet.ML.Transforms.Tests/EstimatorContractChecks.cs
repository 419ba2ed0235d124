using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Transforms.Tests;

/// <summary>
/// What ML.NET's TestEstimatorCore checks of an estimator, for our estimators: schema propagation (the estimator's
/// SchemaShape agrees with the fitted transformer's schema), errors on missing and mistyped input columns from
/// every entry point, and the row-to-row mapper (same values as Transform), non-savable transformer contract.
/// </summary>
internal static class EstimatorContractChecks
{
    public static void SchemaPropagates<T>(IEstimator<T> estimator, IDataView valid, SchemaShape validShape, params string[] outputColumns)
        where T : ITransformer
    {
        SchemaShape shape = estimator.GetOutputSchema(validShape);
        T transformer = estimator.Fit(valid);
        DataViewSchema schema = transformer.GetOutputSchema(valid.Schema);
        Assert.AreEqual(schema.Count, transformer.Transform(valid).Schema.Count);
        foreach (var input in validShape)
            Assert.IsTrue(shape.Any(c => c.Name == input.Name), $"input column '{input.Name}' kept");
        foreach (string name in outputColumns)
        {
            var promised = shape.Single(c => c.Name == name);
            var actual = schema[name];
            if (actual.Type is VectorDataViewType vector)
            {
                Assert.AreEqual(SchemaShape.Column.VectorKind.Vector, promised.Kind, name);
                Assert.AreEqual(vector.ItemType, promised.ItemType, name);
            }
            else
            {
                Assert.AreEqual(SchemaShape.Column.VectorKind.Scalar, promised.Kind, name);
                Assert.AreEqual(actual.Type, promised.ItemType, name);
            }
            Assert.IsFalse(promised.IsKey, name);
        }
    }

    public static void RejectsInput<T>(IEstimator<T> estimator, T fitted, IDataView invalid, SchemaShape invalidShape, string column, string expected)
        where T : ITransformer
    {
        void Check(Action action, string entryPoint)
        {
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(action, entryPoint);
            StringAssert.Contains(e.Message, $"'{column}'", entryPoint);
            StringAssert.Contains(e.Message, expected, entryPoint);
        }
        Check(() => estimator.GetOutputSchema(invalidShape), "estimator.GetOutputSchema");
        Check(() => estimator.Fit(invalid), "estimator.Fit");
        Check(() => fitted.GetOutputSchema(invalid.Schema), "transformer.GetOutputSchema");
        Check(() => fitted.Transform(invalid), "transformer.Transform");
    }

    public static void IsARowMapperButCannotBeSavedInAZip(MLContext ml, ITransformer transformer, IDataView data, string alternative)
    {
        Assert.IsTrue(transformer.IsRowToRowMapper);
        var mapper = transformer.GetRowToRowMapper(data.Schema);
        var transformed = transformer.Transform(data);
        Assert.AreEqual(transformed.Schema.Count, mapper.OutputSchema.Count);
        var appended = Enumerable.Range(data.Schema.Count, mapper.OutputSchema.Count - data.Schema.Count).Select(i => mapper.OutputSchema[i]).ToArray();
        var dependencies = mapper.GetDependencies(appended).ToArray();
        Assert.IsNotEmpty(dependencies, "the appended columns depend on an input column");
        Assert.IsTrue(dependencies.All(c => data.Schema[c.Index].Name == c.Name), "dependencies are input columns");
        Assert.IsEmpty(mapper.GetDependencies([]));

        // Every appended value of every row from the mapper equals what Transform computes for that row.
        using var expected = transformed.GetRowCursor(transformed.Schema);
        using var input = data.GetRowCursor(data.Schema);
        using var row = mapper.GetRow(input, appended);
        int rows = 0;
        while (expected.MoveNext())
        {
            Assert.IsTrue(input.MoveNext());
            foreach (var column in appended)
                Assert.AreEqual(Read(expected, transformed.Schema[column.Name]), Read(row, column), $"row {rows}, column {column.Name}");
            rows++;
        }
        Assert.IsGreaterThan(0, rows);

        using var stream = new MemoryStream();
        var e = Assert.ThrowsExactly<NotSupportedException>(() => ml.Model.Save(transformer, data.Schema, stream));
        StringAssert.Contains(e.Message, alternative);
    }

    /// <summary>A column value as text (vectors as their dense values), read with the column's own raw type.</summary>
    private static string Read(DataViewRow row, DataViewSchema.Column column)
    {
        var method = typeof(EstimatorContractChecks).GetMethod(nameof(ReadTyped), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        var raw = column.Type is VectorDataViewType vector ? vector.ItemType.RawType : column.Type.RawType;
        return (string)method.MakeGenericMethod(raw).Invoke(null, [row, column, column.Type is VectorDataViewType])!;
    }

    private static string ReadTyped<T>(DataViewRow row, DataViewSchema.Column column, bool isVector)
    {
        if (isVector)
        {
            VBuffer<T> buffer = default;
            row.GetGetter<VBuffer<T>>(column)(ref buffer);
            return string.Join(",", buffer.DenseValues());
        }
        T value = default!;
        row.GetGetter<T>(column)(ref value);
        return Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }
}
