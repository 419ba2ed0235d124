using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;

namespace MagNet.ML.Tests.Trainer;

/// <summary>A whole pipeline (ML.NET prefix, MagNet, ML.NET suffix) saved to one file and loaded back.</summary>
[TestClass]
public sealed class MagNetPipelineTests
{
    private sealed class PathRow
    {
        public string ImagePath { get; set; } = "";

        public string Expression { get; set; } = "";
    }

    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    public void APipelineWithMLNetPartsRoundTripsThroughOneFile()
    {
        var ml = new MLContext(seed: 1);
        using var folder = new TempFolder();
        var records = new SyntheticReferringDataset(new SyntheticReferringDataset.Options { Size = 64, Count = 3, Seed = 31 }).WriteTo(folder.Path);
        var data = ml.Data.LoadFromEnumerable(records.Select(r => new PathRow { ImagePath = r.ImagePath!, Expression = r.Expression }).ToArray());
        TrainedModel.Shared.Save(folder.File("model.zip"));

        var estimator = ml.Transforms.LoadImages("Image", folder.Path, "ImagePath")
            .Append(ml.Transforms.ApplyReferringSegmentation(folder.File("model.zip")))
            .Append(ml.Transforms.CopyColumns("Presence", "Score"));
        using var fitted = estimator.Fit(data);
        var expected = TrainedModel.Read(fitted.Transform(data), score: "Presence");

        MagNetPipeline.Save(ml, fitted, data.Schema, folder.File("pipeline.zip"));
        using var loaded = MagNetPipeline.Load(ml, folder.File("pipeline.zip"), out var inputSchema);
        Assert.AreEqual(data.Schema.Count, inputSchema.Count);
        Assert.AreEqual("ImagePath", inputSchema[0].Name);
        Assert.HasCount(3, loaded.ToList(), "LoadImages, MagNet, CopyColumns");
        Assert.IsInstanceOfType<MagNetTransformer>(loaded.ElementAt(1));
        TrainedModel.AssertSame(expected, TrainedModel.Read(loaded.Transform(data), score: "Presence"), "loaded pipeline");
    }

    [TestMethod]
    public void APipelineMustHoldExactlyOneMagNetPartAndRefusesForeignFiles()
    {
        var ml = new MLContext(seed: 1);
        using var folder = new TempFolder();
        var data = ml.Data.LoadFromEnumerable(new[] { new { X = 1f } });
        var plain = ml.Transforms.CopyColumns("Y", "X").Fit(data);
        var e = Assert.ThrowsExactly<ArgumentException>(() => MagNetPipeline.Save(ml, plain, data.Schema, folder.File("p.zip")));
        StringAssert.Contains(e.Message, "exactly one MagNetTransformer");

        TrainedModel.Shared.Save(folder.File("model.zip"));
        var foreign = Assert.ThrowsExactly<InvalidDataException>(() => MagNetPipeline.Load(ml, folder.File("model.zip"), out _));
        StringAssert.Contains(foreign.Message, folder.File("model.zip"));
        StringAssert.Contains(foreign.Message, "not a MagNet.ML pipeline");
    }
}
