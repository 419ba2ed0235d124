using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace MagNet.ML;

/// <summary>
/// Reads one mask column of an <see cref="IDataView"/> row into a 0/1 byte buffer. Accepted column types: an image
/// (<see cref="MLImage"/>; foreground where any colour channel is non-zero) or a vector of Byte (non-zero), Single
/// (&gt; 0.5) or Boolean (true), read row-major.
/// </summary>
internal sealed class MaskColumnReader
{
    private enum Kind { Image, ByteVector, SingleVector, BooleanVector }

    private readonly Kind _kind;
    private readonly string _role;
    private byte[] _buffer = [];
    private ValueGetter<MLImage>? _imageGetter;
    private ValueGetter<VBuffer<byte>>? _byteGetter;
    private ValueGetter<VBuffer<float>>? _singleGetter;
    private ValueGetter<VBuffer<bool>>? _booleanGetter;
    private VBuffer<byte> _bytes;
    private VBuffer<float> _singles;
    private VBuffer<bool> _booleans;

    private MaskColumnReader(DataViewSchema.Column column, Kind kind, string role)
    {
        Column = column;
        _kind = kind;
        _role = role;
    }

    /// <summary>The column read.</summary>
    public DataViewSchema.Column Column { get; }

    /// <summary>True when the column holds images, so <see cref="Width"/> and <see cref="Height"/> are known.</summary>
    public bool IsImage => _kind == Kind.Image;

    /// <summary>Width of the last image read (0 for vectors).</summary>
    public int Width { get; private set; }

    /// <summary>Height of the last image read (0 for vectors).</summary>
    public int Height { get; private set; }

    /// <summary>Number of pixels of the last mask read.</summary>
    public int Length { get; private set; }

    /// <summary>The last mask read: <see cref="Length"/> bytes, 1 = foreground, 0 = background.</summary>
    public ReadOnlySpan<byte> Mask => _buffer.AsSpan(0, Length);

    /// <summary>Finds and checks the column; <paramref name="role"/> ("label", "prediction") is used in messages.</summary>
    public static MaskColumnReader Create(DataViewSchema schema, string columnName, string role, string parameterName)
    {
        var column = schema.GetColumnOrNull(columnName)
            ?? throw new ArgumentOutOfRangeException(parameterName,
                $"The {role} column '{columnName}' is not in the data. Columns present: {ColumnList(schema)}.");
        Kind kind = column.Type switch
        {
            ImageDataViewType => Kind.Image,
            VectorDataViewType v when v.ItemType == NumberDataViewType.Byte => Kind.ByteVector,
            VectorDataViewType v when v.ItemType == NumberDataViewType.Single => Kind.SingleVector,
            VectorDataViewType v when v.ItemType == BooleanDataViewType.Instance => Kind.BooleanVector,
            _ => throw new ArgumentOutOfRangeException(parameterName,
                $"The {role} column '{columnName}' has type {column.Type}; a mask column must be an image (MLImage) " +
                "or a vector of Byte, Single or Boolean."),
        };
        return new MaskColumnReader(column, kind, role);
    }

    /// <summary>Lists the columns of a schema for error messages.</summary>
    public static string ColumnList(DataViewSchema schema) =>
        schema.Count == 0 ? "(none)" : string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}' ({c.Type})"));

    /// <summary>Creates the getter on a cursor that has this column active.</summary>
    public void Bind(DataViewRow row)
    {
        switch (_kind)
        {
            case Kind.Image: _imageGetter = row.GetGetter<MLImage>(Column); break;
            case Kind.ByteVector: _byteGetter = row.GetGetter<VBuffer<byte>>(Column); break;
            case Kind.SingleVector: _singleGetter = row.GetGetter<VBuffer<float>>(Column); break;
            case Kind.BooleanVector: _booleanGetter = row.GetGetter<VBuffer<bool>>(Column); break;
        }
    }

    /// <summary>Reads the current row's mask into <see cref="Mask"/>.</summary>
    /// <exception cref="InvalidDataException">The image is missing or has a pixel format this reader does not know.</exception>
    public void Read(long row)
    {
        switch (_kind)
        {
            case Kind.Image:
                MLImage image = null!;
                _imageGetter!(ref image);
                ReadImage(image, row);
                break;
            case Kind.ByteVector:
                _byteGetter!(ref _bytes);
                ReadVector(_bytes, static b => b != 0);
                break;
            case Kind.SingleVector:
                _singleGetter!(ref _singles);
                ReadVector(_singles, static f => f > 0.5f);
                break;
            case Kind.BooleanVector:
                _booleanGetter!(ref _booleans);
                ReadVector(_booleans, static b => b);
                break;
        }
    }

    private void ReadImage(MLImage? image, long row)
    {
        if (image is null)
            throw new InvalidDataException($"Row {row} (0-based): the {_role} column '{Column.Name}' has no image.");
        int bytesPerPixel = image.BitsPerPixel / 8;
        if (bytesPerPixel != 4 && bytesPerPixel != 1)
            throw new InvalidDataException(
                $"Row {row} (0-based): the {_role} image in column '{Column.Name}' has {image.BitsPerPixel} bits per pixel; " +
                "expected 32 (BGRA/RGBA) or 8 (gray).");
        Width = image.Width;
        Height = image.Height;
        int length = checked(Width * Height);
        Resize(length);
        ReadOnlySpan<byte> pixels = image.Pixels;
        if (bytesPerPixel == 1)
        {
            for (int i = 0; i < length; i++) _buffer[i] = pixels[i] != 0 ? (byte)1 : (byte)0;
        }
        else
        {
            // BGRA or RGBA: the colour channels are the first three bytes; alpha is ignored.
            for (int i = 0; i < length; i++)
            {
                int o = 4 * i;
                _buffer[i] = (pixels[o] | pixels[o + 1] | pixels[o + 2]) != 0 ? (byte)1 : (byte)0;
            }
        }
    }

    private void ReadVector<T>(in VBuffer<T> vector, Func<T, bool> isForeground)
    {
        Width = Height = 0;
        Resize(vector.Length);
        var values = vector.GetValues();
        if (vector.IsDense)
        {
            for (int i = 0; i < values.Length; i++) _buffer[i] = isForeground(values[i]) ? (byte)1 : (byte)0;
        }
        else
        {
            // Sparse: absent entries are the default value (0 / false), which is background.
            Array.Clear(_buffer, 0, Length);
            var indices = vector.GetIndices();
            for (int k = 0; k < values.Length; k++) _buffer[indices[k]] = isForeground(values[k]) ? (byte)1 : (byte)0;
        }
    }

    private void Resize(int length)
    {
        if (_buffer.Length < length) _buffer = new byte[length];
        Length = length;
    }
}
