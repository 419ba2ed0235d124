using MagNet.ML.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Transforms.Tests;

[TestClass]
public sealed class ReferringMaskPreprocessingEstimatorTests
{
    private static readonly MLContext Ml = new(seed: 1);

    private static SchemaShape PathShape(params string[] names) =>
        new(names.Select(n => SchemaShapeFactory.Scalar(n, TextDataViewType.Instance)));

    [TestMethod]
    public void SchemaPropagation()
    {
        using var fixture = new ImageFolderFixture();
        var estimator = Ml.Transforms.PreprocessReferringMask(imageSize: 4);
        var loadedShape = fixture.Load(Ml, "Mask", "MaskPath").GetOutputSchema(PathShape("ImagePath", "MaskPath", "Expression"));
        EstimatorContractChecks.SchemaPropagates(estimator, fixture.Loaded(Ml), loadedShape, "MaskPixels");

        var schema = estimator.Fit(fixture.Loaded(Ml)).GetOutputSchema(fixture.Loaded(Ml).Schema);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 4, 4), schema["MaskPixels"].Type);
    }

    [TestMethod]
    public void MissingOrMistypedMaskColumnIsNamed()
    {
        using var fixture = new ImageFolderFixture();
        var estimator = Ml.Transforms.PreprocessReferringMask(imageSize: 4);
        var fitted = estimator.Fit(fixture.Loaded(Ml));

        var paths = fixture.Paths(Ml);
        var wrongName = fixture.Load(Ml, "Label", "MaskPath").Fit(paths).Transform(paths);
        var wrongNameShape = fixture.Load(Ml, "Label", "MaskPath").GetOutputSchema(PathShape("MaskPath"));
        EstimatorContractChecks.RejectsInput(estimator, fitted, wrongName, wrongNameShape, "Mask", "image column (MLImage");

        var wrongType = Ml.Data.LoadFromEnumerable(new[] { new { Mask = 1f } });
        var wrongTypeShape = new SchemaShape([SchemaShapeFactory.Scalar("Mask", NumberDataViewType.Single)]);
        EstimatorContractChecks.RejectsInput(estimator, fitted, wrongType, wrongTypeShape, "Mask", "image column (MLImage");
    }

    [TestMethod]
    public void TransformerContract()
    {
        using var fixture = new ImageFolderFixture();
        var data = fixture.Loaded(Ml);
        var fitted = Ml.Transforms.PreprocessReferringMask(imageSize: 4).Fit(data);
        EstimatorContractChecks.IsARowMapperButCannotBeSavedInAZip(Ml, fitted, data, "PreprocessReferringMask");
    }
}
