using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// One stage of the multi-modal Swin (official <c>MMBasicLayer</c> with MagNet's CAM): <c>blocks</c> (Swin blocks,
/// odd ones shifted), then the fusion step: the main image PWAM <c>fusion</c> with its gate <c>res_gate</c>
/// (Linear → GELU → Linear → Tanh, no biases), the cross-modal alignment module — <c>pyramids</c> (pool p → Conv1x1
/// C→4C → LayerNorm2d → Conv1x1 4C→C → GELU → Conv1x1 C→C/4 per bin p ∈ {1,2,3,6}), their PWAMs <c>fusions</c>, and
/// <c>mixer</c> (Linear 2C→C → LayerNorm → Linear C→C → GELU) — and <c>downsample</c> (PatchMerging, all stages but the last).
/// Without the CAM (<see cref="MagNetConfig.UseCam"/> false, LAVT's stage) there are no <c>pyramids</c>,
/// <c>fusions</c> or <c>mixer</c>, and the decoder feature is the encoder's output norm applied to the PWAM output.
/// </summary>
public sealed partial class MultiModalSwinLayer : nn.Module
{
    /// <summary>The pyramid bins of the CAM, in the order of <c>pyramids</c> and <c>fusions</c>.</summary>
    public static readonly IReadOnlyList<int> PyramidBins = [1, 2, 3, 6];

#pragma warning disable IDE1006 // state-dict names
    private readonly ModuleList<SwinTransformerBlock> blocks;
    private readonly ImagePwam fusion;
    private readonly Sequential res_gate;
    private readonly ModuleList<Sequential>? pyramids;
    private readonly ModuleList<ImagePwam>? fusions;
    private readonly Sequential? mixer;
    private readonly PatchMerging? downsample; // after the fusion modules, as in the official state dict
#pragma warning restore IDE1006
    private readonly int dim;
    private readonly int windowSize;
    private readonly string recordPrefix;

    /// <summary>Creates stage <paramref name="stage"/> (0-based) of width <paramref name="dim"/>.</summary>
    /// <param name="stage">0-based stage index (names the recorded intermediates <c>img.stage{stage+1}.*</c>).</param>
    /// <param name="dim">Stage width C.</param>
    /// <param name="depth">Number of Swin blocks.</param>
    /// <param name="numHeads">Swin attention heads.</param>
    /// <param name="windowSize">Attention window side.</param>
    /// <param name="config">The image-model hyper-parameters (MLP ratio, qkv bias, scale, dropouts).</param>
    /// <param name="dropPathRates">Stochastic-depth rate of each block of this stage.</param>
    /// <param name="textDim">Width D of the word features the PWAMs read.</param>
    /// <param name="numHeadsFusion">Heads of this stage's PWAMs.</param>
    /// <param name="hasDownsample">Whether a PatchMerging follows (false for the last stage).</param>
    /// <param name="useCam">Whether the stage has the cross-modal alignment module (false: LAVT's stage).</param>
    public MultiModalSwinLayer(int stage, int dim, int depth, int numHeads, int windowSize, ImageModelConfig config,
        IReadOnlyList<double> dropPathRates, int textDim, int numHeadsFusion, bool hasDownsample, bool useCam = true) : base(nameof(MultiModalSwinLayer))
    {
        this.dim = dim;
        this.windowSize = windowSize;
        recordPrefix = $"img.stage{stage + 1}";
        var blockList = new SwinTransformerBlock[depth];
        for (int j = 0; j < depth; j++)
            blockList[j] = new SwinTransformerBlock(dim, numHeads, windowSize, j % 2 == 0 ? 0 : windowSize / 2, config.MlpRatio,
                config.QkvBias, config.QkScale, config.DropRate, config.AttnDropRate, dropPathRates[j]);
        blocks = nn.ModuleList(blockList);
        downsample = hasDownsample ? new PatchMerging(dim) : null;
        fusion = new ImagePwam(dim, dim, textDim, dim, dim, numHeadsFusion, config.FusionDrop);
        res_gate = nn.Sequential(nn.Linear(dim, dim, hasBias: false), nn.GELU(), nn.Linear(dim, dim, hasBias: false), nn.Tanh());
        UsesCam = useCam;
        int reduced = dim / 4;
        if (useCam)
        {
            pyramids = nn.ModuleList(PyramidBins.Select(bin => nn.Sequential(
                nn.AdaptiveAvgPool2d(bin),
                nn.Conv2d(dim, 4 * dim, 1, bias: false),
                new LayerNorm2d(4 * dim),
                nn.Conv2d(4 * dim, dim, 1, bias: false),
                nn.GELU(),
                nn.Conv2d(dim, reduced, 1, bias: false))).ToArray());
            fusions = nn.ModuleList(PyramidBins.Select(_ =>
                new ImagePwam(reduced, reduced, textDim, reduced, reduced, numHeadsFusion, config.FusionDrop)).ToArray());
            mixer = nn.Sequential(nn.Linear(2 * dim, dim), nn.LayerNorm(dim), nn.Linear(dim, dim), nn.GELU());
        }
        RegisterComponents();
    }

    /// <summary>Whether this stage has the cross-modal alignment module (pyramids, their PWAMs and the mixer).</summary>
    public bool UsesCam { get; }

    /// <summary>The gate Sequential (its last Linear layer is zero-initialised for training from scratch).</summary>
    internal Sequential ResGate => res_gate;

    /// <summary>
    /// Runs the Swin blocks on <paramref name="x"/> [B, H·W, C] and returns the stage output (recorded as
    /// <c>img.stage{i}.block{j}</c> for all but the last block, <c>img.stage{i}.swin_out</c> for the last).
    /// </summary>
    public Tensor ForwardBlocks(Tensor x, long height, long width)
    {
        using var scope = NewDisposeScope();
        long paddedHeight = (height + windowSize - 1) / windowSize * windowSize;
        long paddedWidth = (width + windowSize - 1) / windowSize * windowSize;
        var mask = SwinWindows.ShiftedWindowMask(paddedHeight, paddedWidth, windowSize, windowSize / 2, x.device);
        var h = x;
        for (int j = 0; j < blocks.Count; j++)
        {
            h = blocks[j].forward(h, height, width, mask);
            TensorRecorder.Record(j < blocks.Count - 1 ? $"{recordPrefix}.block{j}" : $"{recordPrefix}.swin_out", h);
        }
        return h.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The fusion step on the stage output <paramref name="x"/> [B, H·W, C] with words <paramref name="l"/> [B, D, T]
    /// and the 0/1 word mask <paramref name="lMask"/> [B, T, 1]: CAM + PWAM → decoder feature Y, gated residual → PatchMerging.
    /// Without the CAM the decoder feature is <paramref name="outputNorm"/> (the encoder's <c>norm{i}</c>, required
    /// then) applied to the PWAM output, as in LAVT. A stage built without a PatchMerging may be given
    /// <paramref name="nextStage"/>, the down-sampling of another network (the next ResNet stage's strided block), which
    /// then receives the gated residual tokens [B, H·W, C] with their map size.
    /// </summary>
    public ImageStageOutput ForwardFusion(Tensor x, long height, long width, Tensor l, Tensor lMask, LayerNorm? outputNorm = null,
        Func<Tensor, long, long, (Tensor Next, long Height, long Width)>? nextStage = null)
    {
        if (downsample is not null && nextStage is not null)
            throw new ArgumentException("This stage has its own PatchMerging; a separate down-sampling cannot be given.", nameof(nextStage));
        if (!UsesCam && outputNorm is null)
            throw new ArgumentNullException(nameof(outputNorm), "A stage without the CAM needs the encoder's output norm for its decoder feature.");
        using var scope = NewDisposeScope();
        long b = x.shape[0];
        Tensor? up = null;
        if (UsesCam)
        {
            var map = x.reshape(b, height, width, dim).permute(0, 3, 1, 2);        // [B, C, H, W]
            var upsampled = new List<Tensor>();
            for (int k = 0; k < PyramidBins.Count; k++)
            {
                int bin = PyramidBins[k];
                var pooled = pyramids![k].call(map);                              // [B, C/4, p, p]
                TensorRecorder.Record($"{recordPrefix}.cam.pool{bin}", pooled);
                var branch = fusions![k].call(pooled.flatten(2).permute(0, 2, 1), l, lMask);   // [B, p², C/4]
                TensorRecorder.Record($"{recordPrefix}.cam.pwam{bin}", branch);
                var branchMap = branch.permute(0, 2, 1).reshape(b, dim / 4, bin, bin);
                upsampled.Add(nn.functional.interpolate(branchMap, [height, width], mode: InterpolationMode.Bilinear, align_corners: true));
            }
            up = torch.cat(upsampled, 1).flatten(2).permute(0, 2, 1);             // [B, HW, C]
            TensorRecorder.Record($"{recordPrefix}.cam.up", up);
        }

        var (pwam, attention) = fusion.ForwardWithAttention(x, l, lMask);
        TensorRecorder.Record($"{recordPrefix}.pwam_att", attention);
        TensorRecorder.Record($"{recordPrefix}.pwam", pwam);
        var gate = res_gate.call(pwam);
        TensorRecorder.Record($"{recordPrefix}.gate", gate);
        var fused = x + gate * pwam;
        TensorRecorder.Record($"{recordPrefix}.fused", fused);

        var mixed = UsesCam ? mixer!.call(torch.cat([up!, pwam], -1)) : outputNorm!.call(pwam);
        var feature = mixed.view(b, height, width, dim).permute(0, 3, 1, 2).contiguous();
        TensorRecorder.Record($"{recordPrefix}.Y", feature);

        if (nextStage is not null)
        {
            var (following, nextHeight, nextWidth) = nextStage(fused, height, width);
            return new ImageStageOutput(feature.MoveToOuterDisposeScope(), following.MoveToOuterDisposeScope(), nextHeight, nextWidth);
        }
        if (downsample is null) return new ImageStageOutput(feature.MoveToOuterDisposeScope(), null, height, width);
        var next = downsample.forward(fused, height, width);
        TensorRecorder.Record($"{recordPrefix}.down", next);
        return new ImageStageOutput(feature.MoveToOuterDisposeScope(), next.MoveToOuterDisposeScope(),
            PatchMerging.OutputSize(height), PatchMerging.OutputSize(width));
    }
}
