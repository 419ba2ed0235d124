using Microsoft.ML;
using TorchSharp;

namespace MagNet.ML.Tests.Trainer;

/// <summary>Rows and columns the trainer cannot use stop Fit with a message naming the row or column.</summary>
[TestClass]
public sealed class TrainingRowErrorTests
{
    private sealed class FileRow
    {
        public string Id { get; set; } = "";

        public string ImagePath { get; set; } = "";

        public string MaskPath { get; set; } = "";

        public string Expression { get; set; } = "";
    }

    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    /// <summary>Three synthetic rows written as PNG files, loaded with ML.NET's LoadImages; <paramref name="spoil"/> edits row 1.</summary>
    private static IDataView Files(MLContext ml, TempFolder folder, Action<FileRow> spoil)
    {
        var records = new SyntheticReferringDataset(new SyntheticReferringDataset.Options { Size = 64, Count = 3, Seed = 51 }).WriteTo(folder.Path);
        var rows = records.Select((r, i) => new FileRow
        {
            Id = "row-" + i,
            ImagePath = r.ImagePath!,
            MaskPath = Path.Combine("masks", Path.GetFileName(Directory.GetFiles(Path.Combine(folder.Path, "masks"))[i])),
            Expression = r.Expression,
        }).ToArray();
        spoil(rows[1]);
        var data = ml.Data.LoadFromEnumerable(rows);
        return ml.Transforms.LoadImages("Image", folder.Path, "ImagePath")
            .Append(ml.Transforms.LoadImages("Mask", folder.Path, "MaskPath"))
            .Fit(data).Transform(data);
    }

    private static InvalidDataException FitFails(MLContext ml, IDataView data) =>
        Assert.ThrowsExactly<InvalidDataException>(() => ml.Transforms.ReferringSegmentation(TrainingData.Options()).Fit(data));

    [TestMethod]
    public void ACorruptImageIsNamedByRowIdAndColumn()
    {
        var ml = new MLContext(seed: 1);
        using var folder = new TempFolder();
        var data = Files(ml, folder, row =>
        {
            row.ImagePath = "broken.png";
            File.WriteAllBytes(Path.Combine(folder.Path, "broken.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        });
        var e = FitFails(ml, data);
        StringAssert.Contains(e.Message, "training set row 1 (Id 'row-1')");
        StringAssert.Contains(e.Message, "'Image'");
    }

    [TestMethod]
    public void AnEmptyExpressionIsNamedByRowAndColumn()
    {
        var ml = new MLContext(seed: 1);
        using var folder = new TempFolder();
        var e = FitFails(ml, Files(ml, folder, row => row.Expression = "  "));
        StringAssert.Contains(e.Message, "training set row 1 (Id 'row-1')");
        StringAssert.Contains(e.Message, "column 'Expression' is empty");
    }

    [TestMethod]
    public void AMaskOfAnotherSizeIsNamedByRowWithBothSizes()
    {
        var ml = new MLContext(seed: 1);
        using var folder = new TempFolder();
        var e = FitFails(ml, Files(ml, folder, row =>
        {
            row.MaskPath = "small.png";
            new BinaryMask(10, 12).SavePng(Path.Combine(folder.Path, "small.png"));
        }));
        StringAssert.Contains(e.Message, "training set row 1 (Id 'row-1')");
        StringAssert.Contains(e.Message, "10×12");
        StringAssert.Contains(e.Message, "64×64");
    }

    [TestMethod]
    public void ABadValidationRowNamesTheValidationSet()
    {
        var ml = new MLContext(seed: 1);
        using var folder = new TempFolder();
        var options = TrainingData.Options();
        options.ValidationSet = Files(ml, folder, row => row.Expression = "");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ml.Transforms.ReferringSegmentation(options).Fit(TrainingData.Synthetic(ml, 4)));
        StringAssert.Contains(e.Message, "validation set row 1");
    }

    [TestMethod]
    public void MissingOrMistypedColumnsAreNamed()
    {
        var ml = new MLContext(seed: 1);
        var data = TrainingData.Synthetic(ml, 2);
        var withoutMask = ml.Transforms.DropColumns("Mask").Fit(data).Transform(data);
        var trainer = ml.Transforms.ReferringSegmentation(TrainingData.Options());
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => trainer.Fit(withoutMask));
        StringAssert.Contains(e.Message, "'Mask'");
        StringAssert.Contains(e.Message, "was not found");

        var textMask = ml.Transforms.DropColumns("Mask").Append(ml.Transforms.CopyColumns("Mask", "Expression")).Fit(data).Transform(data);
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => trainer.Fit(textMask));
        StringAssert.Contains(e.Message, "'Mask'");
        StringAssert.Contains(e.Message, "image column");

        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => trainer.GetOutputSchema(SchemaShapes.Of(textMask.Schema)));
        StringAssert.Contains(e.Message, "'Mask'");
        var promised = trainer.GetOutputSchema(SchemaShapes.Of(data.Schema));
        Assert.AreEqual(SchemaShape.Column.VectorKind.VariableVector, promised.Single(c => c.Name == "PredictedMask").Kind);
        Assert.AreEqual(SchemaShape.Column.VectorKind.Scalar, promised.Single(c => c.Name == "Score").Kind);
    }

    [TestMethod]
    public void InvalidOptionsAreNamed()
    {
        var ml = new MLContext(seed: 1);
        var data = TrainingData.Synthetic(ml, 2);
        void Fails(Action<MagNetTrainer.Options> change, string name)
        {
            var options = TrainingData.Options();
            change(options);
            var e = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.ReferringSegmentation(options).Fit(data), name);
            StringAssert.Contains(e.Message, name);
        }
        Fails(o => o.BatchSize = 0, "BatchSize");
        Fails(o => o.LearningRate = double.NaN, "LearningRate");
        Fails(o => o.MaskThreshold = 2, "MaskThreshold");
        Fails(o => o.Model.LangProjDim = 8, "lang_proj_dim");
        Fails(o => o.Model.LanguageModel.Config.VocabSize = 100, "vocab_size");
    }
}
