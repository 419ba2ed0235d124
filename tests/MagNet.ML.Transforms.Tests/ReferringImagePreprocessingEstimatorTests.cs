using MagNet.ML.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace MagNet.ML.Transforms.Tests;

[TestClass]
public sealed class ReferringImagePreprocessingEstimatorTests
{
    private static readonly MLContext Ml = new(seed: 1);

    private static SchemaShape PathShape(params string[] names) =>
        new(names.Select(n => SchemaShapeFactory.Scalar(n, TextDataViewType.Instance)));

    [TestMethod]
    public void SchemaPropagation()
    {
        using var fixture = new ImageFolderFixture();
        var estimator = Ml.Transforms.PreprocessReferringImage(imageSize: 2);
        // The input shape comes from ML.NET's own image loader.
        var loadedShape = fixture.Load(Ml, "Image", "ImagePath").GetOutputSchema(PathShape("ImagePath", "MaskPath", "Expression"));
        EstimatorContractChecks.SchemaPropagates(estimator, fixture.Loaded(Ml), loadedShape, "ImagePixels", "ImageWidth", "ImageHeight");

        var schema = estimator.Fit(fixture.Loaded(Ml)).GetOutputSchema(fixture.Loaded(Ml).Schema);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 3, 2, 2), schema["ImagePixels"].Type);
        Assert.AreEqual(NumberDataViewType.Int32, schema["ImageWidth"].Type);
        Assert.AreEqual(NumberDataViewType.Int32, schema["ImageHeight"].Type);
    }

    [TestMethod]
    public void MissingOrMistypedImageColumnIsNamed()
    {
        using var fixture = new ImageFolderFixture();
        var estimator = Ml.Transforms.PreprocessReferringImage(imageSize: 2);
        var fitted = estimator.Fit(fixture.Loaded(Ml));

        var paths = fixture.Paths(Ml);
        var wrongName = fixture.Load(Ml, "Picture", "ImagePath").Fit(paths).Transform(paths);
        var wrongNameShape = fixture.Load(Ml, "Picture", "ImagePath").GetOutputSchema(PathShape("ImagePath"));
        EstimatorContractChecks.RejectsInput(estimator, fitted, wrongName, wrongNameShape, "Image", "image column (MLImage");

        var wrongType = Ml.Data.LoadFromEnumerable(new[] { new { Image = "image.png" } });
        EstimatorContractChecks.RejectsInput(estimator, fitted, wrongType, PathShape("Image"), "Image", "image column (MLImage");
    }

    [TestMethod]
    public void TransformerContract()
    {
        using var fixture = new ImageFolderFixture();
        var data = fixture.Loaded(Ml);
        var fitted = Ml.Transforms.PreprocessReferringImage(imageSize: 2).Fit(data);
        EstimatorContractChecks.IsARowMapperButCannotBeSavedInAZip(Ml, fitted, data, "PreprocessReferringImage");
    }

    [TestMethod]
    public void OptionsChooseColumnsAndNormalisation()
    {
        using var fixture = new ImageFolderFixture();
        var paths = fixture.Paths(Ml);
        var pipeline = fixture.Load(Ml, "Picture", "ImagePath").Append(Ml.Transforms.PreprocessReferringImage(new ReferringImagePreprocessingEstimator.Options
        {
            InputColumnName = "Picture",
            OutputColumnName = "Tensor",
            WidthColumnName = "W",
            HeightColumnName = "H",
            ImageSize = 2,
            Mean = [0, 0, 0],
            Std = [1, 1, 1],
        }));
        var output = pipeline.Fit(paths).Transform(paths);
        using var cursor = output.GetRowCursor(output.Schema);
        var tensor = cursor.GetGetter<VBuffer<float>>(output.Schema["Tensor"]);
        var width = cursor.GetGetter<int>(output.Schema["W"]);
        Assert.IsTrue(cursor.MoveNext());
        VBuffer<float> values = default;
        int w = 0;
        tensor(ref values);
        width(ref w);
        // Hand-worked 4x4 -> 2x2 (see ImageTensorizerTests): R 55 165 66 176, G 200 90 189 79, B 30.
        float[] expected = new[] { 55, 165, 66, 176, 200, 90, 189, 79, 30, 30, 30, 30 }.Select(v => v / 255f).ToArray();
        CollectionAssert.AreEqual(expected, values.DenseValues().ToArray());
        Assert.AreEqual(4, w);
    }

    [TestMethod]
    public void MissingImageIsReportedWithRowAndColumn()
    {
        var data = Ml.Data.LoadFromEnumerable(new[] { new NullImageRow() });
        var output = Ml.Transforms.PreprocessReferringImage(imageSize: 2).Fit(data).Transform(data);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Ml.Data.CreateEnumerable<WidthRow>(output, false).ToList());
        StringAssert.Contains(e.Message, "Row 0");
        StringAssert.Contains(e.Message, "'Image'");
    }

    private sealed class NullImageRow
    {
        [ImageType(4, 4)]
        public MLImage? Image { get; set; }
    }

    private sealed class WidthRow
    {
        public int ImageWidth { get; set; }
    }
}
