using MagNet.ML.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Transforms.Tests;

[TestClass]
public sealed class SchemaShapeFactoryTests
{
    private static readonly MLContext Ml = new(seed: 1);

    private static SchemaShape.Column Find(SchemaShape shape, string name) => shape.Single(c => c.Name == name);

    private static void AssertSame(SchemaShape.Column expected, SchemaShape.Column actual)
    {
        Assert.AreEqual(expected.Name, actual.Name);
        Assert.AreEqual(expected.Kind, actual.Kind);
        Assert.AreEqual(expected.ItemType, actual.ItemType);
        Assert.AreEqual(expected.IsKey, actual.IsKey);
    }

    [TestMethod]
    public void InternalColumnConstructorStillExists()
    {
        // Fails loudly when a Microsoft.ML update removes or changes SchemaShape.Column's internal constructor.
        Assert.IsTrue(SchemaShapeFactory.IsSupported,
            "SchemaShape.Column(string, VectorKind, DataViewType, bool, SchemaShape) is gone; update SchemaShapeFactory.");
    }

    [TestMethod]
    public void ColumnsEqualThoseMLNetEstimatorsProduce()
    {
        var input = new SchemaShape([
            SchemaShapeFactory.Scalar("A", NumberDataViewType.Single),
            SchemaShapeFactory.Scalar("B", NumberDataViewType.Single),
        ]);
        // ML.NET builds these output columns with the same internal constructor; ours must be indistinguishable.
        var converted = Ml.Transforms.Conversion.ConvertType("D", "A", DataKind.Double).GetOutputSchema(input);
        AssertSame(Find(converted, "D"), SchemaShapeFactory.Scalar("D", NumberDataViewType.Double));

        var concatenated = Ml.Transforms.Concatenate("V", "A", "B").GetOutputSchema(input);
        AssertSame(Find(concatenated, "V"), SchemaShapeFactory.Vector("V", NumberDataViewType.Single));

        // ML.NET accepted our input columns as what they claim to be.
        AssertSame(Find(concatenated, "A"), SchemaShapeFactory.Scalar("A", NumberDataViewType.Single));
    }

    [TestMethod]
    public void AppendReplacesSameNamedColumnsAndKeepsOrder()
    {
        var input = new SchemaShape([
            SchemaShapeFactory.Scalar("A", NumberDataViewType.Single),
            SchemaShapeFactory.Scalar("B", TextDataViewType.Instance),
        ]);
        var output = SchemaShapeFactory.Append(input,
            SchemaShapeFactory.Vector("A", NumberDataViewType.Int64),
            SchemaShapeFactory.Scalar("C", NumberDataViewType.Int32));
        CollectionAssert.AreEqual(new[] { "A", "B", "C" }, output.Select(c => c.Name).ToArray());
        Assert.AreEqual(SchemaShape.Column.VectorKind.Vector, Find(output, "A").Kind);
        Assert.AreEqual(NumberDataViewType.Int64, Find(output, "A").ItemType);
    }

    [TestMethod]
    public void MLNetArgumentChecksStillApply()
    {
        // ML.NET's own checks run (vector item types are refused), surfaced as thrown, not wrapped.
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            SchemaShapeFactory.Column("V", SchemaShape.Column.VectorKind.Vector, new VectorDataViewType(NumberDataViewType.Single, 2)));
    }
}
