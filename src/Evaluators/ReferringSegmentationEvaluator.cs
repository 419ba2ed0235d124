using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML;

/// <summary>
/// Computes <see cref="ReferringSegmentationMetrics"/> (oIoU, mIoU, Prec@k, and gRefCOCO's gIoU/cIoU/N-acc/T-acc when
/// some ground truths are empty) from the label and predicted-mask columns of an <see cref="IDataView"/>.
/// </summary>
/// <remarks>
/// Each mask column is either an image (<see cref="MLImage"/>, as <c>LoadImages</c> produces; foreground where any
/// colour channel is non-zero, alpha ignored) or a vector read row-major (H×W): Byte (non-zero = foreground), Single
/// (&gt; 0.5) or Boolean (true). Two images must have the same width and height; an image and a vector need
/// vector length = width × height; two vectors need the same length. Rows are numbered from 0 in error messages.
/// </remarks>
public sealed class ReferringSegmentationEvaluator
{
    private readonly IReadOnlyList<double>? _thresholds;

    /// <summary>Creates an evaluator for the given columns.</summary>
    /// <param name="labelColumnName">Ground-truth mask column (default <c>Mask</c>).</param>
    /// <param name="predictedMaskColumnName">Predicted mask column (default <c>PredictedMask</c>).</param>
    /// <param name="groupColumnName">Optional text column; metrics are also reported per value (empty text = no group).</param>
    /// <param name="idColumnName">Optional text column naming each row in <see cref="ReferringSegmentationSample.Id"/>.</param>
    /// <param name="thresholds">Extra IoU thresholds for precision; 0.5, 0.6, 0.7, 0.8 and 0.9 are always reported.</param>
    public ReferringSegmentationEvaluator(
        string labelColumnName = "Mask",
        string predictedMaskColumnName = "PredictedMask",
        string? groupColumnName = null,
        string? idColumnName = null,
        IEnumerable<double>? thresholds = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(labelColumnName);
        ArgumentException.ThrowIfNullOrEmpty(predictedMaskColumnName);
        if (groupColumnName is not null) ArgumentException.ThrowIfNullOrEmpty(groupColumnName);
        if (idColumnName is not null) ArgumentException.ThrowIfNullOrEmpty(idColumnName);
        LabelColumnName = labelColumnName;
        PredictedMaskColumnName = predictedMaskColumnName;
        GroupColumnName = groupColumnName;
        IdColumnName = idColumnName;
        _thresholds = thresholds?.ToArray();
        _ = new ReferringSegmentationAccumulator(_thresholds);  // validates the thresholds now, not at Evaluate
    }

    /// <summary>Ground-truth mask column.</summary>
    public string LabelColumnName { get; }

    /// <summary>Predicted mask column.</summary>
    public string PredictedMaskColumnName { get; }

    /// <summary>Optional group column (text), or null.</summary>
    public string? GroupColumnName { get; }

    /// <summary>Optional row identifier column (text), or null.</summary>
    public string? IdColumnName { get; }

    /// <summary>Evaluates every row of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has a type that is not a mask (or text).</exception>
    /// <exception cref="InvalidDataException">A row's masks differ in size or an image is missing; the message names the row.</exception>
    /// <exception cref="ArgumentException"><paramref name="data"/> has no rows.</exception>
    public ReferringSegmentationMetrics Evaluate(IDataView data)
    {
        var accumulator = new ReferringSegmentationAccumulator(_thresholds);
        Accumulate(data, accumulator);
        if (accumulator.Count == 0)
            throw new ArgumentException("The data has no rows; there is nothing to evaluate.", nameof(data));
        return accumulator.Metrics;
    }

    /// <summary>
    /// Adds every row of <paramref name="data"/> to <paramref name="accumulator"/> — use this to keep per-row results
    /// (an accumulator created with <c>keepSamples: true</c>) or to pool several data views.
    /// </summary>
    public void Accumulate(IDataView data, ReferringSegmentationAccumulator accumulator)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(accumulator);
        var schema = data.Schema;
        var label = MaskColumnReader.Create(schema, LabelColumnName, "label", "labelColumnName");
        var prediction = MaskColumnReader.Create(schema, PredictedMaskColumnName, "prediction", "predictedMaskColumnName");
        var group = GroupColumnName is null ? (DataViewSchema.Column?)null : TextColumn(schema, GroupColumnName, "group", "groupColumnName");
        var id = IdColumnName is null ? (DataViewSchema.Column?)null : TextColumn(schema, IdColumnName, "id", "idColumnName");

        var active = new List<DataViewSchema.Column> { label.Column, prediction.Column };
        if (group is { } g) active.Add(g);
        if (id is { } i) active.Add(i);
        using var cursor = data.GetRowCursor(active);
        label.Bind(cursor);
        prediction.Bind(cursor);
        var groupGetter = group is { } gc ? cursor.GetGetter<ReadOnlyMemory<char>>(gc) : null;
        var idGetter = id is { } ic ? cursor.GetGetter<ReadOnlyMemory<char>>(ic) : null;
        ReadOnlyMemory<char> text = default;
        while (cursor.MoveNext())
        {
            long row = cursor.Position;
            label.Read(row);
            prediction.Read(row);
            CheckSameSize(label, prediction, row);
            string? groupName = null, rowId = null;
            if (groupGetter is not null)
            {
                groupGetter(ref text);
                groupName = text.IsEmpty ? null : text.ToString();
            }
            if (idGetter is not null)
            {
                idGetter(ref text);
                rowId = text.ToString();
            }
            accumulator.Add(label.Mask, prediction.Mask, groupName, rowId);
        }
    }

    private static void CheckSameSize(MaskColumnReader label, MaskColumnReader prediction, long row)
    {
        if (label.IsImage && prediction.IsImage)
        {
            if (label.Width != prediction.Width || label.Height != prediction.Height)
                throw new InvalidDataException(
                    $"Row {row} (0-based): the label image in column '{label.Column.Name}' is {label.Width}×{label.Height} " +
                    $"but the predicted image in column '{prediction.Column.Name}' is {prediction.Width}×{prediction.Height}.");
            return;
        }
        if (label.Length == prediction.Length) return;
        string Describe(MaskColumnReader r, string role) => r.IsImage
            ? $"the {role} image in column '{r.Column.Name}' is {r.Width}×{r.Height} = {r.Length} pixels"
            : $"the {role} vector in column '{r.Column.Name}' has {r.Length} values";
        throw new InvalidDataException(
            $"Row {row} (0-based): {Describe(label, "label")} but {Describe(prediction, "prediction")}; " +
            "a mask vector must hold one value per pixel (row-major H×W).");
    }

    private static DataViewSchema.Column TextColumn(DataViewSchema schema, string name, string role, string parameterName)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(parameterName,
                $"The {role} column '{name}' is not in the data. Columns present: {MaskColumnReader.ColumnList(schema)}.");
        if (column.Type is not TextDataViewType)
            throw new ArgumentOutOfRangeException(parameterName,
                $"The {role} column '{name}' has type {column.Type}; it must be text.");
        return column;
    }
}
