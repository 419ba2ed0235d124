using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace MagNet.ML.Batching;

/// <summary>
/// The preprocessed rows of a data set (<see cref="PreprocessedRowLayout"/> records), written once and then read in
/// any order: in memory, or in a temporary file when a directory is given (for sets larger than memory). Appends
/// also hash every record, so a resumed run can check it trains on the same data. Reads are thread-safe once
/// writing is complete.
/// </summary>
internal sealed class PreprocessedRowCache : IDisposable
{
    private readonly List<byte[]>? _memory;
    private readonly SafeFileHandle? _file;
    private readonly string? _filePath;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private string? _fingerprint;

    /// <summary>Creates an empty cache in memory (<paramref name="directory"/> null) or in a new file under it.</summary>
    public PreprocessedRowCache(PreprocessedRowLayout layout, string? directory)
    {
        Layout = layout;
        if (directory is null)
        {
            _memory = [];
            return;
        }
        Directory.CreateDirectory(directory);
        _filePath = Path.Combine(directory, $"magnet-rows-{Guid.NewGuid():N}.bin");
        _file = File.OpenHandle(_filePath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose | FileOptions.RandomAccess);
    }

    /// <summary>The record layout.</summary>
    public PreprocessedRowLayout Layout { get; }

    /// <summary>Number of rows stored.</summary>
    public int Count { get; private set; }

    /// <summary>Appends one record (length <see cref="PreprocessedRowLayout.RecordBytes"/>).</summary>
    public void Append(ReadOnlySpan<byte> record)
    {
        if (record.Length != Layout.RecordBytes) throw new ArgumentException("Record of the wrong size.", nameof(record));
        if (_fingerprint is not null) throw new InvalidOperationException("The cache is complete; nothing can be appended.");
        if (_memory is not null) _memory.Add(record.ToArray());
        else RandomAccess.Write(_file!, record, (long)Count * Layout.RecordBytes);
        _hash.AppendData(record);
        Count++;
    }

    /// <summary>Ends writing and returns the SHA-256 (hex) of every record in order.</summary>
    public string Complete()
    {
        _fingerprint ??= Convert.ToHexStringLower(_hash.GetHashAndReset());
        return _fingerprint;
    }

    /// <summary>The hash <see cref="Complete"/> returned.</summary>
    public string Fingerprint => _fingerprint ?? throw new InvalidOperationException("The cache is still being written.");

    /// <summary>Copies record <paramref name="index"/> into <paramref name="destination"/>.</summary>
    public void Read(int index, Span<byte> destination)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
        if (_memory is not null)
        {
            _memory[index].CopyTo(destination);
            return;
        }
        int read = RandomAccess.Read(_file!, destination[..Layout.RecordBytes], (long)index * Layout.RecordBytes);
        if (read != Layout.RecordBytes) throw new IOException($"The row cache '{_filePath}' ended early at row {index}.");
    }

    /// <summary>Frees the memory or deletes the file.</summary>
    public void Dispose()
    {
        _file?.Dispose();
        _hash.Dispose();
        _memory?.Clear();
    }
}
