using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>The Swin block MLP: <c>fc1</c> → GELU → dropout → <c>fc2</c> → dropout.</summary>
public sealed partial class SwinMlp : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    private readonly Linear fc1;
    private readonly GELU act;
    private readonly Linear fc2;
    private readonly Dropout drop;
#pragma warning restore IDE1006

    /// <summary>Creates an MLP <paramref name="dim"/> → <paramref name="hidden"/> → <paramref name="dim"/>.</summary>
    public SwinMlp(long dim, long hidden, double dropRate) : base(nameof(SwinMlp))
    {
        fc1 = nn.Linear(dim, hidden);
        act = nn.GELU();
        fc2 = nn.Linear(hidden, dim);
        drop = nn.Dropout(dropRate);
        RegisterComponents();
    }

    /// <summary>Applies the MLP to the last dimension of <paramref name="x"/>.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = drop.call(act.call(fc1.call(x)));
        return drop.call(fc2.call(h)).MoveToOuterDisposeScope();
    }
}
