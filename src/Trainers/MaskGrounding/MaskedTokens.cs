using static TorchSharp.torch;

namespace MagNet.ML.Training;

/// <summary>
/// The result of <see cref="TokenMasking.Apply"/>: the masked sentence to encode, the prediction targets and which
/// positions were selected. The tensors belong to the dispose scope that was current when it was made (or to this
/// object when disposed explicitly).
/// </summary>
public sealed class MaskedTokens : IDisposable
{
    internal MaskedTokens(Tensor inputIds, Tensor targets, Tensor selected)
    {
        InputIds = inputIds;
        Targets = targets;
        Selected = selected;
    }

    /// <summary>Token ids after masking, Int64 [B,T]: selected tokens replaced by [MASK], a random id, or kept.</summary>
    public Tensor InputIds { get; }

    /// <summary>Targets, Int64 [B,T]: the original id at selected positions, <see cref="TokenMasking.IgnoreIndex"/> elsewhere.</summary>
    public Tensor Targets { get; }

    /// <summary>Selected positions, Bool [B,T].</summary>
    public Tensor Selected { get; }

    /// <summary>Frees the three tensors.</summary>
    public void Dispose()
    {
        InputIds.Dispose();
        Targets.Dispose();
        Selected.Dispose();
    }
}
