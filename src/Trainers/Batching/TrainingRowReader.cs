using System.Globalization;
using MagNet.ML.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Batching;

/// <summary>
/// Reads the labelled rows of a data view once (only the image, expression and mask columns, plus the <c>Id</c> text
/// column when there is one, for messages), preprocesses them with the inference preprocessing (Pillow-exact
/// fill-resize of the image, LAVT tokenization, nearest resize of the mask) and stores them in a
/// <see cref="PreprocessedRowCache"/>. A row that cannot be used is an <see cref="InvalidDataException"/> naming the
/// data set, the row (position and id) and the column at fault.
/// </summary>
internal sealed class TrainingRowReader
{
    private readonly string _imageColumn, _expressionColumn, _maskColumn;
    private readonly ExpressionTokenizer _tokenizer;
    private readonly MaskTensorizer _maskTensorizer;
    private readonly PreprocessedRowLayout _layout;

    public TrainingRowReader(string imageColumn, string expressionColumn, string maskColumn, ExpressionTokenizer tokenizer, int imageSize)
    {
        _imageColumn = imageColumn;
        _expressionColumn = expressionColumn;
        _maskColumn = maskColumn;
        _tokenizer = tokenizer;
        _maskTensorizer = new MaskTensorizer(imageSize);
        _layout = new PreprocessedRowLayout(imageSize, tokenizer.MaxTokens);
    }

    /// <summary>
    /// Checks that <paramref name="schema"/> has the three columns with the right types; throws
    /// <see cref="ArgumentOutOfRangeException"/> naming the column otherwise.
    /// </summary>
    public void CheckSchema(DataViewSchema schema, string component)
    {
        InputColumnCheck.Image.Require(schema, _imageColumn, component);
        InputColumnCheck.Text.Require(schema, _expressionColumn, component);
        InputColumnCheck.Image.Require(schema, _maskColumn, component);
    }

    /// <summary>Reads every row of <paramref name="data"/> (<paramref name="setName"/> names it in messages).</summary>
    public PreprocessedRowCache Read(IDataView data, string setName, string? cacheDirectory, Action<int>? rowRead, CancellationToken cancellation)
    {
        var schema = data.Schema;
        var image = schema[_imageColumn];
        var expression = schema[_expressionColumn];
        var mask = schema[_maskColumn];
        var id = schema.GetColumnOrNull(ReferringColumnNames.Id) is { Type: TextDataViewType } idColumn ? idColumn : (DataViewSchema.Column?)null;
        var columns = new List<DataViewSchema.Column> { image, expression, mask };
        if (id is DataViewSchema.Column i) columns.Add(i);

        var cache = new PreprocessedRowCache(_layout, cacheDirectory);
        try
        {
            using var cursor = data.GetRowCursor(columns);
            var imageGetter = cursor.GetGetter<MLImage>(image);
            var maskGetter = cursor.GetGetter<MLImage>(mask);
            var expressionGetter = cursor.GetGetter<ReadOnlyMemory<char>>(expression);
            var idGetter = id is DataViewSchema.Column idc ? cursor.GetGetter<ReadOnlyMemory<char>>(idc) : null;
            var record = new byte[_layout.RecordBytes];
            var ids = new long[_layout.MaxTokens];
            var attention = new long[_layout.MaxTokens];
            var maskValues = new float[_layout.ImageSize * _layout.ImageSize];
            ReadOnlyMemory<char> text = default, rowId = default;
            while (cursor.MoveNext())
            {
                cancellation.ThrowIfCancellationRequested();
                string Row()
                {
                    string where = $"{setName} row {cursor.Position.ToString(CultureInfo.InvariantCulture)}";
                    if (idGetter is null) return where;
                    try
                    {
                        idGetter(ref rowId);
                        return $"{where} (Id '{rowId}')";
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        return where;
                    }
                }

                MLImage picture = ReadImage(imageGetter, _imageColumn, "image", Row);
                MLImage target = ReadImage(maskGetter, _maskColumn, "mask", Row);
                if (picture.Width != target.Width || picture.Height != target.Height)
                    throw new InvalidDataException(
                        $"{Row()}: the mask in column '{_maskColumn}' is {target.Width}×{target.Height} but the image in column '{_imageColumn}' " +
                        $"is {picture.Width}×{picture.Height}; a mask must have its image's size.");
                expressionGetter(ref text);
                if (text.Span.IsWhiteSpace())
                    throw new InvalidDataException($"{Row()}: column '{_expressionColumn}' is empty; every training row needs a referring expression.");

                int kept = _tokenizer.Encode(text.Span, ids, attention);
                _layout.Write(record, picture.Width, picture.Height, ids, kept);
                byte[] resized;
                try
                {
                    resized = PilBilinearResampler.Resize(ImagePixelReader.ReadRgb(picture), picture.Width, picture.Height, 3, _layout.ImageSize, _layout.ImageSize);
                }
                catch (InvalidDataException e)
                {
                    throw new InvalidDataException($"{Row()}: the image in column '{_imageColumn}' cannot be used: {e.Message}", e);
                }
                resized.CopyTo(_layout.RgbOf(record));
                _maskTensorizer.Tensorize(BinaryMask.FromMLImage(target), maskValues);
                var maskOut = _layout.MaskOf(record);
                for (int p = 0; p < maskValues.Length; p++) maskOut[p] = maskValues[p] != 0 ? (byte)1 : (byte)0;
                cache.Append(record);
                rowRead?.Invoke(cache.Count);
            }
            if (cache.Count == 0) throw new InvalidDataException($"The {setName} has no rows.");
            cache.Complete();
            return cache;
        }
        catch
        {
            cache.Dispose();
            throw;
        }
    }

    private static MLImage ReadImage(ValueGetter<MLImage> getter, string column, string what, Func<string> row)
    {
        MLImage? value = null;
        try
        {
            getter(ref value!);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException)
        {
            throw new InvalidDataException($"{row()}: the {what} in column '{column}' could not be read: {e.Message}", e);
        }
        return value ?? throw new InvalidDataException($"{row()}: column '{column}' holds no {what} (a missing or unreadable file).");
    }
}
