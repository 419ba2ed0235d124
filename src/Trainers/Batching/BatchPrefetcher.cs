using System.Collections.Concurrent;

namespace MagNet.ML.Batching;

/// <summary>
/// Assembles the training batches of steps [first, end) on a background thread, at most <c>depth</c> ahead of the
/// step that consumes them, so preparing inputs overlaps the forward/backward pass. Batches come from a small pool
/// and go back with <see cref="Return"/> once their step is done. An error on the background thread is rethrown by
/// <see cref="Next"/>.
/// </summary>
internal sealed class BatchPrefetcher : IDisposable
{
    private readonly BlockingCollection<TrainingBatch> _ready;
    private readonly BlockingCollection<TrainingBatch> _free;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private Exception? _error;

    /// <param name="assembler">Fills batches (used on the background thread only).</param>
    /// <param name="rowsOfStep">The cached row indices of a step.</param>
    /// <param name="first">The first step to prepare.</param>
    /// <param name="end">One past the last step.</param>
    /// <param name="newBatch">Creates an empty batch for the pool.</param>
    /// <param name="depth">Batches prepared ahead (at least 1).</param>
    public BatchPrefetcher(BatchAssembler assembler, Func<long, int[]> rowsOfStep, long first, long end, Func<TrainingBatch> newBatch, int depth = 2)
    {
        _ready = new BlockingCollection<TrainingBatch>(depth);
        _free = new BlockingCollection<TrainingBatch>();
        for (int i = 0; i < depth + 1; i++) _free.Add(newBatch());
        _thread = new Thread(() => Produce(assembler, rowsOfStep, first, end))
        {
            IsBackground = true,
            Name = "MagNet batch prefetch",
        };
        _thread.Start();
    }

    /// <summary>The next batch, in step order; blocks until it is ready.</summary>
    public TrainingBatch Next()
    {
        try
        {
            return _ready.Take(_stop.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            throw new InvalidOperationException("Preparing a training batch failed: " + (_error?.Message ?? "the prefetch thread stopped."), _error ?? e);
        }
    }

    /// <summary>Gives a consumed batch back to the pool.</summary>
    public void Return(TrainingBatch batch) => _free.Add(batch);

    /// <summary>Stops the background thread and waits for it.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
        _ready.Dispose();
        _free.Dispose();
    }

    private void Produce(BatchAssembler assembler, Func<long, int[]> rowsOfStep, long first, long end)
    {
        try
        {
            for (long step = first; step < end; step++)
            {
                var batch = _free.Take(_stop.Token);
                assembler.Fill(batch, rowsOfStep(step));
                batch.Step = step;
                _ready.Add(batch, _stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _error = e;
        }
        finally
        {
            _ready.CompleteAdding();
        }
    }
}
