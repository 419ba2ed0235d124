using Microsoft.ML;

namespace MagNet.ML.Internal;

/// <summary>
/// The per-cursor computation of an <see cref="IRowBatchMapper"/>. Results live in slots 0..BatchSize-1; the cursor
/// reads the current row into a slot, computes the batch, then serves every output column of the row from its slot.
/// </summary>
internal abstract class RowBatchWorker : IDisposable
{
    /// <summary>Reads the inputs of the row the input cursor is on into <paramref name="slot"/>.</summary>
    public abstract void ReadRow(int slot);

    /// <summary>
    /// Computes the outputs of slots 0..<paramref name="count"/>-1 that <see cref="ReadRow"/> left pending
    /// (a per-row worker may compute everything in <see cref="ReadRow"/> and do nothing here).
    /// </summary>
    public abstract void ComputeBatch(int count);

    /// <summary>
    /// Returns a getter of output column <paramref name="outputIndex"/> (an index into
    /// <see cref="IRowBatchMapper.OutputColumns"/>). Each call of the getter first calls <paramref name="currentSlot"/>,
    /// which computes the row if needed and returns the slot that holds it. The caller has checked that
    /// <typeparamref name="T"/> is the column's raw type.
    /// </summary>
    public abstract ValueGetter<T> GetGetter<T>(int outputIndex, Func<int> currentSlot);

    /// <summary>Releases what the worker holds (nothing by default).</summary>
    public virtual void Dispose() => GC.SuppressFinalize(this);
}
