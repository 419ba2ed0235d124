using Microsoft.ML.Data;

namespace MagNet.ML.Internal;

/// <summary>Fills dense <see cref="VBuffer{T}"/> values, reusing the destination's buffers.</summary>
internal static class VBufferCopy
{
    /// <summary>Makes <paramref name="destination"/> a dense vector equal to <paramref name="source"/>.</summary>
    public static void FromSpan<T>(ReadOnlySpan<T> source, ref VBuffer<T> destination)
    {
        var editor = VBufferEditor.Create(ref destination, source.Length);
        source.CopyTo(editor.Values);
        destination = editor.Commit();
    }
}
