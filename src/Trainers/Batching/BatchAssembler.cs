namespace MagNet.ML.Batching;

/// <summary>
/// Fills a <see cref="TrainingBatch"/> from cached rows: pixels normalised exactly as <see cref="ImageTensorizer"/>
/// does ((v / 255 − mean[c]) / std[c] in single precision, planar), tokens and masks copied. One instance per
/// thread (it owns a record buffer).
/// </summary>
internal sealed class BatchAssembler
{
    private readonly PreprocessedRowCache _cache;
    private readonly float[][] _normalised;
    private readonly byte[] _record;

    public BatchAssembler(PreprocessedRowCache cache, ImageTensorizer tensorizer)
    {
        _cache = cache;
        _record = new byte[cache.Layout.RecordBytes];
        // Every byte value's normalised float per channel, computed with ImageTensorizer's own expression.
        _normalised = new float[3][];
        for (int c = 0; c < 3; c++)
        {
            float mean = tensorizer.Mean[c], std = tensorizer.Std[c];
            _normalised[c] = new float[256];
            for (int v = 0; v < 256; v++) _normalised[c][v] = (v / 255f - mean) / std;
        }
    }

    /// <summary>Fills <paramref name="batch"/> with the rows <paramref name="rows"/> (at most its capacity).</summary>
    public void Fill(TrainingBatch batch, ReadOnlySpan<int> rows)
    {
        if (rows.Length > batch.Capacity) throw new ArgumentException("More rows than the batch holds.", nameof(rows));
        var layout = _cache.Layout;
        int s = layout.ImageSize, plane = s * s, t = layout.MaxTokens;
        for (int i = 0; i < rows.Length; i++)
        {
            _cache.Read(rows[i], _record);
            layout.ReadTokens(_record, batch.Ids.AsSpan(i * t, t), batch.Attention.AsSpan(i * t, t));
            var rgb = layout.Rgb(_record);
            var pixels = batch.Pixels.AsSpan(i * 3 * plane, 3 * plane);
            for (int c = 0; c < 3; c++)
            {
                var table = _normalised[c];
                var output = pixels.Slice(c * plane, plane);
                for (int p = 0; p < plane; p++) output[p] = table[rgb[p * 3 + c]];
            }
            var mask = layout.Mask(_record);
            var target = batch.Masks.AsSpan(i * plane, plane);
            for (int p = 0; p < plane; p++) target[p] = mask[p];
        }
        batch.Count = rows.Length;
    }
}
