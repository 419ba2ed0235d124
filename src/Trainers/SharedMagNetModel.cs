using MagNet.ML.Modeling;

namespace MagNet.ML;

/// <summary>
/// A <see cref="MagNetModel"/> shared by a transformer and the row-to-row mappers handed out from it, freed when the
/// last owner releases it. Forward passes take <see cref="Gate"/>, because a TorchSharp module must not run two
/// forwards at once.
/// </summary>
internal sealed class SharedMagNetModel
{
    private readonly MagNetModel _model;
    private int _owners = 1;

    public SharedMagNetModel(MagNetModel model, TorchSharp.torch.Device device)
    {
        _model = model;
        Device = device;
    }

    /// <summary>The device the model lives on.</summary>
    public TorchSharp.torch.Device Device { get; }

    /// <summary>Serialises forward passes.</summary>
    public object Gate { get; } = new();

    /// <summary>The model; <see cref="ObjectDisposedException"/> once every owner has released it.</summary>
    public MagNetModel Model => Volatile.Read(ref _owners) > 0 ? _model : throw new ObjectDisposedException(nameof(MagNetTransformer), "The MagNet model has been disposed.");

    /// <summary>Adds an owner (a row-to-row mapper whose engine will dispose the transformer).</summary>
    public void AddOwner()
    {
        while (true)
        {
            int owners = Volatile.Read(ref _owners);
            if (owners <= 0) throw new ObjectDisposedException(nameof(MagNetTransformer), "The MagNet model has been disposed.");
            if (Interlocked.CompareExchange(ref _owners, owners + 1, owners) == owners) return;
        }
    }

    /// <summary>Releases one owner; the last one frees the model. Extra releases do nothing.</summary>
    public void Release()
    {
        while (true)
        {
            int owners = Volatile.Read(ref _owners);
            if (owners <= 0) return;
            if (Interlocked.CompareExchange(ref _owners, owners - 1, owners) != owners) continue;
            if (owners == 1)
            {
                lock (Gate) _model.Dispose();
            }
            return;
        }
    }
}
