using MagNet.ML.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Transforms.Tests;

[TestClass]
public sealed class ExpressionTokenizingEstimatorTests
{
    private static readonly MLContext Ml = new(seed: 1);

    private sealed class TextRow
    {
        public string Expression { get; set; } = "";
    }

    private sealed class NumberRow
    {
        public float Expression { get; set; }
    }

    private sealed class TokenRow
    {
        public string Expression { get; set; } = "";

        [VectorType(20)]
        public long[] TokenIds { get; set; } = [];

        [VectorType(20)]
        public long[] AttentionMask { get; set; } = [];
    }

    private static IDataView Texts(params string[] expressions) =>
        Ml.Data.LoadFromEnumerable(expressions.Select(e => new TextRow { Expression = e }).ToArray());

    [TestMethod]
    public void SchemaPropagation()
    {
        var estimator = Ml.Transforms.TokenizeReferringExpression();
        var shape = new SchemaShape([SchemaShapeFactory.Scalar("Expression", TextDataViewType.Instance)]);
        EstimatorContractChecks.SchemaPropagates(estimator, Texts("man on right"), shape, "TokenIds", "AttentionMask");

        var schema = estimator.Fit(Texts("x")).GetOutputSchema(Texts("x").Schema);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Int64, 20), schema["TokenIds"].Type);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Int64, 20), schema["AttentionMask"].Type);
    }

    [TestMethod]
    public void MissingOrMistypedExpressionColumnIsNamed()
    {
        var estimator = Ml.Transforms.TokenizeReferringExpression();
        var fitted = estimator.Fit(Texts("x"));

        var wrongName = Ml.Data.LoadFromEnumerable(new[] { new { Sentence = "x" } });
        var wrongNameShape = new SchemaShape([SchemaShapeFactory.Scalar("Sentence", TextDataViewType.Instance)]);
        EstimatorContractChecks.RejectsInput(estimator, fitted, wrongName, wrongNameShape, "Expression", "text column (String)");

        var wrongType = Ml.Data.LoadFromEnumerable(new[] { new NumberRow { Expression = 1 } });
        var wrongTypeShape = new SchemaShape([SchemaShapeFactory.Scalar("Expression", NumberDataViewType.Single)]);
        EstimatorContractChecks.RejectsInput(estimator, fitted, wrongType, wrongTypeShape, "Expression", "text column (String)");
    }

    [TestMethod]
    public void TransformerContract()
    {
        var data = Texts("x");
        var fitted = Ml.Transforms.TokenizeReferringExpression().Fit(data);
        EstimatorContractChecks.IsARowMapperButCannotBeSavedInAZip(Ml, fitted, data, "TokenizeReferringExpression");
    }

    [TestMethod]
    public void TokenizesEveryRowThroughCreateEnumerable()
    {
        var data = Texts("the red circle left of the blue square", "man on right", "");
        var rows = Ml.Data.CreateEnumerable<TokenRow>(Ml.Transforms.TokenizeReferringExpression().Fit(data).Transform(data), false).ToList();
        // Hand-looked-up ids (see ExpressionTokenizerTests).
        CollectionAssert.AreEqual(new long[] { 101, 1996, 2417, 4418, 2187, 1997, 1996, 2630, 2675, 102 }, rows[0].TokenIds[..10]);
        CollectionAssert.AreEqual(new long[] { 101, 2158, 2006, 2157, 102, 0 }, rows[1].TokenIds[..6]);
        CollectionAssert.AreEqual(new long[] { 1, 1, 1, 1, 1, 0 }, rows[1].AttentionMask[..6]);
        CollectionAssert.AreEqual(new long[] { 101, 102, 0 }, rows[2].TokenIds[..3]);
        Assert.AreEqual("man on right", rows[1].Expression);
    }

    [TestMethod]
    public void PredictionEngineTokenizesOneExpressionAtATime()
    {
        var fitted = Ml.Transforms.TokenizeReferringExpression().Fit(Texts("x"));
        using var engine = Ml.Model.CreatePredictionEngine<TextRow, TokenRow>(fitted);
        // Hand-looked-up ids, as above; the second call must not reuse the first row's result.
        var first = engine.Predict(new TextRow { Expression = "man on right" });
        CollectionAssert.AreEqual(new long[] { 101, 2158, 2006, 2157, 102, 0 }, first.TokenIds[..6]);
        var second = engine.Predict(new TextRow { Expression = "" });
        CollectionAssert.AreEqual(new long[] { 101, 102, 0 }, second.TokenIds[..3]);
        CollectionAssert.AreEqual(new long[] { 1, 1, 0 }, second.AttentionMask[..3]);
    }

    [TestMethod]
    public void OptionsChooseColumnsTokenCountAndVocabulary()
    {
        string folder = TestImages.TempFolder();
        try
        {
            string vocabulary = Path.Combine(folder, "vocab.txt");
            File.WriteAllLines(vocabulary, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "man"]);
            var data = Ml.Data.LoadFromEnumerable(new[] { new { Text = "man man man" } });
            var estimator = Ml.Transforms.TokenizeReferringExpression(new ExpressionTokenizingEstimator.Options
            {
                InputColumnName = "Text",
                OutputColumnName = "Ids",
                AttentionMaskColumnName = "Mask",
                MaxTokens = 4,
                VocabularyPath = vocabulary,
            });
            var output = estimator.Fit(data).Transform(data);
            using var cursor = output.GetRowCursor(output.Schema);
            var ids = cursor.GetGetter<VBuffer<long>>(output.Schema["Ids"]);
            var mask = cursor.GetGetter<VBuffer<long>>(output.Schema["Mask"]);
            Assert.IsTrue(cursor.MoveNext());
            VBuffer<long> idValues = default, maskValues = default;
            ids(ref idValues);
            mask(ref maskValues);
            // [CLS] man man man [SEP] cut to 4: [SEP] is lost.
            CollectionAssert.AreEqual(new long[] { 2, 5, 5, 5 }, idValues.DenseValues().ToArray());
            CollectionAssert.AreEqual(new long[] { 1, 1, 1, 1 }, maskValues.DenseValues().ToArray());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void BadOptionsFailAtConstruction()
    {
        Assert.ThrowsExactly<FileNotFoundException>(() => Ml.Transforms.TokenizeReferringExpression(vocabularyPath: "/nonexistent/vocab.txt"));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Ml.Transforms.TokenizeReferringExpression(maxTokens: 1));
        Assert.ThrowsExactly<ArgumentException>(() => Ml.Transforms.TokenizeReferringExpression(outputColumnName: "Same", attentionMaskColumnName: "Same"));
    }
}
