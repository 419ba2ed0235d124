using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Transforms.Tests;

/// <summary>
/// What ML.NET's TestEstimatorCore checks of an estimator, for our estimators: schema propagation (the estimator's
/// SchemaShape agrees with the fitted transformer's schema), errors on missing and mistyped input columns from
/// every entry point, and the non-mapper, non-savable transformer contract.
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

    public static void IsNotAMapperAndCannotBeSavedInAZip(MLContext ml, ITransformer transformer, DataViewSchema inputSchema, string alternative)
    {
        Assert.IsFalse(transformer.IsRowToRowMapper);
        Assert.ThrowsExactly<InvalidOperationException>(() => transformer.GetRowToRowMapper(inputSchema));
        using var stream = new MemoryStream();
        var e = Assert.ThrowsExactly<NotSupportedException>(() => ml.Model.Save(transformer, inputSchema, stream));
        StringAssert.Contains(e.Message, alternative);
    }
}
