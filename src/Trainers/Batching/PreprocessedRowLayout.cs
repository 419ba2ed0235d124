using System.Buffers.Binary;

namespace MagNet.ML.Batching;

/// <summary>
/// The fixed-size byte record one preprocessed training row is stored as: original width and height (Int32), the
/// number of kept tokens (Int32; the attention mask is 1 for exactly the first that many tokens), the token ids
/// (Int32 × T), the image fill-resized to S×S as interleaved RGB bytes (Pillow's bilinear filter, before
/// normalisation) and the ground-truth mask resized to S×S (Pillow's nearest), one byte 0/1 per pixel.
/// </summary>
internal sealed class PreprocessedRowLayout
{
    private const int HeaderBytes = 12;

    public PreprocessedRowLayout(int imageSize, int maxTokens)
    {
        ImageSize = imageSize;
        MaxTokens = maxTokens;
        TokensOffset = HeaderBytes;
        ImageOffset = TokensOffset + 4 * maxTokens;
        MaskOffset = ImageOffset + 3 * imageSize * imageSize;
        RecordBytes = MaskOffset + imageSize * imageSize;
    }

    /// <summary>Side S of the resized image and mask.</summary>
    public int ImageSize { get; }

    /// <summary>Token sequence length T.</summary>
    public int MaxTokens { get; }

    /// <summary>Bytes of one record.</summary>
    public int RecordBytes { get; }

    private int TokensOffset { get; }

    private int ImageOffset { get; }

    private int MaskOffset { get; }

    /// <summary>Writes the header and token ids of a record (the caller fills <see cref="RgbOf"/> and <see cref="MaskOf"/>).</summary>
    public void Write(Span<byte> record, int width, int height, ReadOnlySpan<long> ids, int keptTokens)
    {
        BinaryPrimitives.WriteInt32LittleEndian(record, width);
        BinaryPrimitives.WriteInt32LittleEndian(record[4..], height);
        BinaryPrimitives.WriteInt32LittleEndian(record[8..], keptTokens);
        for (int t = 0; t < MaxTokens; t++)
            BinaryPrimitives.WriteInt32LittleEndian(record[(TokensOffset + 4 * t)..], checked((int)ids[t]));
    }

    /// <summary>The writable RGB bytes of a record.</summary>
    public Span<byte> RgbOf(Span<byte> record) => record.Slice(ImageOffset, 3 * ImageSize * ImageSize);

    /// <summary>The writable mask bytes of a record.</summary>
    public Span<byte> MaskOf(Span<byte> record) => record.Slice(MaskOffset, ImageSize * ImageSize);

    /// <summary>Original (width, height) of the image of a record.</summary>
    public (int Width, int Height) OriginalSize(ReadOnlySpan<byte> record) =>
        (BinaryPrimitives.ReadInt32LittleEndian(record), BinaryPrimitives.ReadInt32LittleEndian(record[4..]));

    /// <summary>Token ids and the 1/0 attention mask of a record (each of length T).</summary>
    public void ReadTokens(ReadOnlySpan<byte> record, Span<long> ids, Span<long> attention)
    {
        int kept = BinaryPrimitives.ReadInt32LittleEndian(record[8..]);
        for (int t = 0; t < MaxTokens; t++)
        {
            ids[t] = BinaryPrimitives.ReadInt32LittleEndian(record[(TokensOffset + 4 * t)..]);
            attention[t] = t < kept ? 1 : 0;
        }
    }

    /// <summary>The resized RGB bytes of a record (S×S×3, interleaved).</summary>
    public ReadOnlySpan<byte> Rgb(ReadOnlySpan<byte> record) => record.Slice(ImageOffset, 3 * ImageSize * ImageSize);

    /// <summary>The resized mask of a record (S×S bytes, 0 or 1).</summary>
    public ReadOnlySpan<byte> Mask(ReadOnlySpan<byte> record) => record.Slice(MaskOffset, ImageSize * ImageSize);
}
