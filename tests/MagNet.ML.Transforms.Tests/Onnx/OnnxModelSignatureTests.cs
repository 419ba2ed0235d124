using MagNet.ML.Onnx;

namespace MagNet.ML.Transforms.Tests.Onnx;

[TestClass]
public sealed class OnnxModelSignatureTests
{
    [TestMethod]
    public void ReadsTheOfficialExportsInputsAndOutputs()
    {
        // README of the fixture: image [2,3,96,96] F32, input_ids/attention_mask [2,20] I64 -> pred_logits [2,1,2], pred_masks, prob.
        var signature = OnnxModelSignature.Read(ParityFixture.ModelPath);
        CollectionAssert.AreEqual(new[] { "image", "input_ids", "attention_mask" }, signature.Inputs.Select(i => i.Name).ToArray());
        CollectionAssert.AreEqual(new[] { "pred_logits", "pred_masks", "prob" }, signature.Outputs.Select(o => o.Name).ToArray());
        Assert.AreEqual("[2, 3, 96, 96]", signature.Inputs[0].ShapeText);
        Assert.AreEqual(OnnxTensorSignature.Float, signature.Inputs[0].ElementType);
        Assert.AreEqual(OnnxTensorSignature.Int64, signature.Inputs[1].ElementType);
        Assert.AreEqual("[2, 20]", signature.Inputs[2].ShapeText);
        Assert.AreEqual("[2, 1, 2]", signature.Outputs[0].ShapeText);
        // The exporter left the mask outputs' sizes symbolic.
        Assert.AreEqual("[Einsumpred_masks_dim_0, Einsumpred_masks_dim_1, Einsumpred_masks_dim_2, Einsumpred_masks_dim_3]", signature.Outputs[1].ShapeText);
        Assert.IsTrue(signature.Outputs[1].Dimensions.All(d => d is null));
    }

    [TestMethod]
    public void NonOnnxFilesAreRejectedWithTheirName()
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"not-onnx-{Guid.NewGuid():N}.onnx");
        try
        {
            File.WriteAllBytes(path, [0x0A, 0xFF, 0x01, 0x02]);
            var e = Assert.ThrowsExactly<InvalidDataException>(() => OnnxModelSignature.Read(path));
            StringAssert.Contains(e.Message, path);
            Assert.ThrowsExactly<FileNotFoundException>(() => OnnxModelSignature.Read(path + ".missing"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
