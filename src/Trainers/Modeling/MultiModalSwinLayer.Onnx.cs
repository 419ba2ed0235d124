using MagNet.ML.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

public sealed partial class MultiModalSwinLayer
{
    /// <summary>
    /// Emits the Swin blocks of this stage on <paramref name="x"/> [B, H·W, C] (see <see cref="ForwardBlocks"/>); the
    /// shifted-window mask of the padded map is a constant of the graph.
    /// </summary>
    internal string EmitBlocks(OnnxGraphBuilder g, string prefix, string x, long height, long width)
    {
        long paddedHeight = (height + windowSize - 1) / windowSize * windowSize;
        long paddedWidth = (width + windowSize - 1) / windowSize * windowSize;
        string? mask = null;
        if (blocks.Any(b => b.ShiftSize > 0))
        {
            using var scope = NewDisposeScope();
            var windowMask = SwinWindows.ShiftedWindowMask(paddedHeight, paddedWidth, windowSize, windowSize / 2);
            long windows = windowMask.shape[0], tokens = windowMask.shape[1];
            mask = g.AddConstant($"{prefix}.shift_mask", windowMask.view(1, windows, 1, tokens, tokens));
        }
        for (int j = 0; j < blocks.Count; j++)
            x = blocks[j].EmitOnnx(g, $"{prefix}.blocks.{j}", x, height, width, mask);
        return x;
    }

    /// <summary>
    /// Emits the fusion step (see <see cref="ForwardFusion"/>) on the stage output <paramref name="x"/> [B, H·W, C],
    /// words <paramref name="l"/> [B, D, T] and the 0/1 word mask <paramref name="lMask"/> [B, T, 1]: the main PWAM,
    /// the decoder feature Y and (all stages but the last) the gated residual and PatchMerging. Y is the mixer of the
    /// cross-modal alignment module's output and the PWAM output; a stage built without the CAM (no <c>mixer</c>)
    /// gets <paramref name="outputNorm"/> of the PWAM output instead (LAVT's decoder feature). The gate of the last
    /// stage only feeds a value nothing reads, so it is not emitted. <paramref name="nextStage"/> emits another
    /// network's down-sampling of the gated residual tokens (see <see cref="ForwardFusion"/>).
    /// </summary>
    internal OnnxImageStage EmitFusion(OnnxGraphBuilder g, string prefix, string x, long height, long width, string l, string lMask,
        (LayerNorm Layer, string Prefix)? outputNorm = null, Func<string, long, long, (string Next, long Height, long Width)>? nextStage = null)
    {
        using var scope = g.Scope(prefix);
        string pwam = fusion.EmitOnnx(g, $"{prefix}.fusion", x, l, lMask);
        string mixed;
        if (mixer is not null)
        {
            string up = EmitAlignmentModule(g, prefix, x, height, width, l, lMask);
            mixed = OnnxSequential.Emit(g, mixer, $"{prefix}.mixer", g.Concat(-1, up, pwam));
        }
        else
        {
            var (norm, normPrefix) = outputNorm
                ?? throw new InvalidOperationException($"ONNX export of '{prefix}': a stage without the CAM needs the encoder's output norm.");
            mixed = g.LayerNorm(pwam, norm, normPrefix);
        }
        var feature = new OnnxFeature(g.Transpose(g.Reshape(mixed, -1, height, width, dim), 0, 3, 1, 2), dim, height, width);
        if (downsample is null && nextStage is null) return new OnnxImageStage(feature, null, height, width);

        string gate = OnnxSequential.Emit(g, res_gate, $"{prefix}.res_gate", pwam);
        string fused = g.Add(x, g.Mul(gate, pwam));
        if (nextStage is not null)
        {
            var (following, nextHeight, nextWidth) = nextStage(fused, height, width);
            return new OnnxImageStage(feature, following, nextHeight, nextWidth);
        }
        string next = downsample!.EmitOnnx(g, $"{prefix}.downsample", fused, height, width);
        return new OnnxImageStage(feature, next, PatchMerging.OutputSize(height), PatchMerging.OutputSize(width));
    }

    // The CAM: per pyramid bin p, adaptive average pooling (constant matrices), the pyramid's convolutions, its PWAM,
    // and a bilinear (aligned-corners) upsampling back to H×W; the branches concatenated over channels as [B, H·W, C].
    private string EmitAlignmentModule(OnnxGraphBuilder g, string prefix, string x, long height, long width, string l, string lMask)
    {
        string map = g.Transpose(g.Reshape(x, -1, height, width, dim), 0, 3, 1, 2);
        var upsampled = new string[PyramidBins.Count];
        for (int k = 0; k < PyramidBins.Count; k++)
        {
            long bin = PyramidBins[k];
            string rowPool = g.ConstantFloats($"{prefix}.pool{bin}.rows", AdaptiveAveragePooling.Matrix(height, bin), bin, height);
            string colPool = g.ConstantFloats($"{prefix}.pool{bin}.cols", AdaptiveAveragePooling.TransposedMatrix(width, bin), width, bin);
            string pooled = g.MatMul(rowPool, g.MatMul(map, colPool));
            pooled = OnnxSequential.Emit(g, pyramids![k], $"{prefix}.pyramids.{k}", pooled, start: 1);
            string branch = fusions![k].EmitOnnx(g, $"{prefix}.fusions.{k}", g.Transpose(g.Reshape(pooled, 0, dim / 4, bin * bin), 0, 2, 1), l, lMask);
            string branchMap = g.Reshape(g.Transpose(branch, 0, 2, 1), -1, dim / 4, bin, bin);
            upsampled[k] = g.ResizeBilinear(branchMap, height, width, alignCorners: true);
        }
        return g.Transpose(g.Reshape(g.Concat(1, upsampled), 0, dim, height * width), 0, 2, 1);
    }
}
