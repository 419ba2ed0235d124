using System.Text;

namespace MagNet.ML;

/// <summary>
/// A COCO run-length encoded mask: alternating runs of background and foreground pixels over the image in
/// column-major (Fortran) order, starting with a (possibly empty) background run — the <c>RLE</c> of
/// pycocotools' <c>maskApi.c</c>. Converts to and from COCO's compressed string form and <see cref="BinaryMask"/>.
/// </summary>
public sealed class CocoRle
{
    private readonly long[] _counts;

    /// <summary>
    /// Creates an RLE from uncompressed counts. Throws <see cref="InvalidDataException"/> when a count is negative
    /// or the counts do not add up to exactly <paramref name="height"/> × <paramref name="width"/> pixels.
    /// </summary>
    public CocoRle(int height, int width, IEnumerable<long> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (height < 0 || width < 0)
            throw new InvalidDataException($"RLE size [{height}, {width}] is negative.");
        Height = height;
        Width = width;
        _counts = counts.ToArray();
        long total = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            if (_counts[i] < 0)
                throw new InvalidDataException($"RLE count #{i} is negative ({_counts[i]}).");
            total += _counts[i];
        }
        if (total != (long)height * width)
            throw new InvalidDataException(
                $"RLE counts add up to {total} pixels but its size [{height}, {width}] has {(long)height * width}.");
    }

    /// <summary>Mask height in pixels (COCO's <c>size[0]</c>).</summary>
    public int Height { get; }

    /// <summary>Mask width in pixels (COCO's <c>size[1]</c>).</summary>
    public int Width { get; }

    /// <summary>The run lengths: background, foreground, background, ... in column-major order.</summary>
    public IReadOnlyList<long> Counts => _counts;

    /// <summary>Number of foreground pixels (the sum of the odd-indexed runs, as pycocotools' <c>area</c>).</summary>
    public long Area
    {
        get
        {
            long area = 0;
            for (int i = 1; i < _counts.Length; i += 2) area += _counts[i];
            return area;
        }
    }

    /// <summary>
    /// Decodes COCO's compressed string counts (pycocotools <c>rleFrString</c>): each count is stored as a
    /// difference to the count two places earlier (from the fourth count on), in 5-bit groups with a
    /// continuation bit, one character (ASCII 48 + value) per group. Throws <see cref="InvalidDataException"/>
    /// for characters outside that alphabet, a truncated last count, or counts that do not fill the size.
    /// </summary>
    public static CocoRle FromCompressedString(string counts, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var values = new List<long>();
        int p = 0;
        while (p < counts.Length)
        {
            long x = 0;
            int k = 0;
            bool more = true;
            while (more)
            {
                if (p >= counts.Length)
                    throw new InvalidDataException($"RLE string ends in the middle of count #{values.Count}.");
                int c = counts[p] - 48;
                if (c < 0 || c > 63)
                    throw new InvalidDataException(
                        $"RLE string has character '{counts[p]}' at position {p}; COCO strings use ASCII 48..111 only.");
                if (k > 12)
                    throw new InvalidDataException($"RLE string count #{values.Count} is too long (position {p}).");
                x |= (long)(c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) x |= -1L << (5 * k);
            }
            if (values.Count > 2) x += values[^2];
            if (x < 0 || x > uint.MaxValue)
                throw new InvalidDataException($"RLE string count #{values.Count} decodes to {x}, outside 0..{uint.MaxValue}.");
            values.Add(x);
        }
        return new CocoRle(height, width, values);
    }

    /// <summary>Encodes the counts in COCO's compressed string form, byte for byte as pycocotools' <c>rleToString</c>.</summary>
    public string ToCompressedString()
    {
        var s = new StringBuilder(_counts.Length * 2);
        for (int i = 0; i < _counts.Length; i++)
        {
            long x = _counts[i];
            if (i > 2) x -= _counts[i - 2];
            bool more = true;
            while (more)
            {
                int c = (int)(x & 0x1f);
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) c |= 0x20;
                s.Append((char)(c + 48));
            }
        }
        return s.ToString();
    }

    /// <summary>Run-length encodes a mask (pycocotools <c>encode</c>): column-major, starting with background.</summary>
    public static CocoRle Encode(BinaryMask mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var counts = new List<long>();
        byte previous = 0;
        long run = 0;
        for (int x = 0; x < mask.Width; x++)
        {
            for (int y = 0; y < mask.Height; y++)
            {
                byte v = mask.Data[y * mask.Width + x];
                if (v != previous)
                {
                    counts.Add(run);
                    run = 0;
                    previous = v;
                }
                run++;
            }
        }
        counts.Add(run);
        return new CocoRle(mask.Height, mask.Width, counts);
    }

    /// <summary>Decodes to a row-major <see cref="BinaryMask"/> of <see cref="Width"/> × <see cref="Height"/>.</summary>
    public BinaryMask Decode()
    {
        if (Width == 0 || Height == 0)
            throw new InvalidDataException($"RLE size [{Height}, {Width}] is empty; a mask needs at least one pixel.");
        var mask = new BinaryMask(Width, Height);
        long index = 0;
        byte value = 0;
        foreach (long run in _counts)
        {
            if (value != 0)
            {
                for (long i = index; i < index + run; i++)
                {
                    int x = (int)(i / Height), y = (int)(i % Height);
                    mask.Data[y * Width + x] = 1;
                }
            }
            index += run;
            value ^= 1;
        }
        return mask;
    }
}
