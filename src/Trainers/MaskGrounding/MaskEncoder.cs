using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MagNet.ML.Training;

/// <summary>
/// The Mask Encoder of Mask Grounding (a reconstruction, see <see cref="MaskEncoderKind"/>): turns a ground-truth
/// mask [B,H,W] into G² tokens [B,G²,hidden], one per cell of the G×G grid in row-major order, the same order as the
/// pooled visual tokens.
/// </summary>
public sealed class MaskEncoder : nn.Module
{
#pragma warning disable IDE1006 // state-dict names
    private readonly Conv2d? conv1;
    private readonly Conv2d? conv2;
    private readonly Conv2d? proj;
    private readonly Linear? fc1;
    private readonly Linear? fc2;
#pragma warning restore IDE1006

    private readonly MaskEncoderKind kind;
    private readonly int gridSize;

    /// <summary>Creates the encoder.</summary>
    /// <param name="kind">Convolutional (conv stack at the stage-4 grid, then pooled) or pooled (MLP on cell fractions).</param>
    /// <param name="hiddenSize">Token width.</param>
    /// <param name="gridSize">Side G of the token grid.</param>
    /// <param name="channels">Hidden channels of the conv stack (convolutional kind only).</param>
    public MaskEncoder(MaskEncoderKind kind, int hiddenSize, int gridSize, int channels = 64) : base(nameof(MaskEncoder))
    {
        if (hiddenSize <= 0 || gridSize <= 0 || channels <= 0)
            throw new ArgumentException($"hiddenSize ({hiddenSize}), gridSize ({gridSize}) and channels ({channels}) must be positive.");
        this.kind = kind;
        this.gridSize = gridSize;
        if (kind == MaskEncoderKind.Convolutional)
        {
            conv1 = nn.Conv2d(1, channels, 3, padding: 1);
            conv2 = nn.Conv2d(channels, channels, 3, padding: 1);
            proj = nn.Conv2d(channels, hiddenSize, 1);
        }
        else
        {
            fc1 = nn.Linear(1, hiddenSize);
            fc2 = nn.Linear(hiddenSize, hiddenSize);
        }
        RegisterComponents();
    }

    /// <summary>Encodes a mask.</summary>
    /// <param name="gtMask">Ground truth [B,H,W] with values in [0,1] (any floating type; converted to the module's dtype).</param>
    /// <param name="stageHeight">Height of the stage-4 grid (convolutional kind).</param>
    /// <param name="stageWidth">Width of the stage-4 grid (convolutional kind).</param>
    /// <returns>Mask tokens [B,G²,hidden].</returns>
    public Tensor Encode(Tensor gtMask, long stageHeight, long stageWidth)
    {
        using var scope = NewDisposeScope();
        var m = gtMask.unsqueeze(1);
        Tensor grid;
        if (kind == MaskEncoderKind.Convolutional)
        {
            // Area resize: each stage-4 cell holds the fraction of its pixels that are foreground.
            var x = F.adaptive_avg_pool2d(m, new[] { stageHeight, stageWidth });
            x = F.gelu(conv1!.call(x));
            x = F.gelu(conv2!.call(x));
            x = proj!.call(x);
            grid = F.adaptive_avg_pool2d(x, new long[] { gridSize, gridSize });    // [B,hidden,G,G]
            return grid.flatten(2).transpose(1, 2).MoveToOuterDisposeScope();
        }
        var fractions = F.adaptive_avg_pool2d(m, new long[] { gridSize, gridSize }); // [B,1,G,G]
        var tokens = fractions.flatten(2).transpose(1, 2);                          // [B,G²,1]
        return fc2!.call(F.gelu(fc1!.call(tokens))).MoveToOuterDisposeScope();
    }
}
