using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace MagNet.ML.Onnx;

/// <summary>
/// The input columns of the ONNX segmentation transform: the image (MLImage, or a preprocessed vector of Single of
/// 3·S·S values) and the expression (text). Failures throw <see cref="ArgumentOutOfRangeException"/> naming the
/// column, the type found and the type expected, as ML.NET does for schema mismatches.
/// </summary>
internal static class OnnxSegmentationColumns
{
    private const string Component = "ReferringSegmentationOnnx";

    /// <summary>True when the image column holds preprocessed pixels rather than images.</summary>
    public static bool Check(DataViewSchema schema, ReferringSegmentationOnnxEstimator.Options options, OnnxSegmentationContract contract)
    {
        var image = schema.GetColumnOrNull(options.ImageColumnName) ?? throw Missing(options.ImageColumnName, ImageExpectation(contract));
        var text = schema.GetColumnOrNull(options.ExpressionColumnName) ?? throw Missing(options.ExpressionColumnName, "a text column (String)");
        if (text.Type is not TextDataViewType) throw Mismatch(options.ExpressionColumnName, text.Type.ToString() ?? text.Type.GetType().Name, "a text column (String)");
        return image.Type switch
        {
            ImageDataViewType => false,
            VectorDataViewType v when v.ItemType == NumberDataViewType.Single && v.Size == contract.ImageLength => true,
            _ => throw Mismatch(options.ImageColumnName, image.Type.ToString() ?? image.Type.GetType().Name, ImageExpectation(contract)),
        };
    }

    /// <summary>The same checks on a <see cref="SchemaShape"/>.</summary>
    public static void Check(SchemaShape schema, ReferringSegmentationOnnxEstimator.Options options, OnnxSegmentationContract contract)
    {
        SchemaShape.Column? image = null, text = null;
        foreach (var column in schema)
        {
            if (column.Name == options.ImageColumnName) image = column;
            if (column.Name == options.ExpressionColumnName) text = column;
        }
        if (image is not SchemaShape.Column i) throw Missing(options.ImageColumnName, ImageExpectation(contract));
        if (text is not SchemaShape.Column t) throw Missing(options.ExpressionColumnName, "a text column (String)");
        if (t.Kind != SchemaShape.Column.VectorKind.Scalar || t.IsKey || t.ItemType is not TextDataViewType)
            throw Mismatch(options.ExpressionColumnName, Describe(t), "a text column (String)");
        bool isImage = i.Kind == SchemaShape.Column.VectorKind.Scalar && !i.IsKey && i.ItemType is ImageDataViewType;
        bool isPixels = i.Kind == SchemaShape.Column.VectorKind.Vector && !i.IsKey && i.ItemType == NumberDataViewType.Single;
        if (!isImage && !isPixels) throw Mismatch(options.ImageColumnName, Describe(i), ImageExpectation(contract));
    }

    private static string ImageExpectation(OnnxSegmentationContract c) =>
        $"an image column (MLImage, e.g. from LoadImages) or a vector of Single of 3x{c.ImageSize}x{c.ImageSize} preprocessed values";

    private static string Describe(SchemaShape.Column c) =>
        (c.Kind == SchemaShape.Column.VectorKind.Scalar ? "" : $"{c.Kind} of ") + (c.IsKey ? $"Key<{c.ItemType}>" : c.ItemType.ToString());

    private static ArgumentOutOfRangeException Missing(string name, string expected) =>
        new("inputSchema", $"{Component}: input column '{name}' was not found; it must be {expected}.");

    private static ArgumentOutOfRangeException Mismatch(string name, string found, string expected) =>
        new("inputSchema", $"{Component}: input column '{name}' has type {found}; it must be {expected}.");
}
