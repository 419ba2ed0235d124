using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// MagNet's image encoder (official <c>MultiModalSwin</c>, state-dict prefix <c>image_model.</c>): the Swin stem
/// <c>patch_embed</c> (+ optional <c>absolute_pos_embed</c>), four <c>layers</c> (<see cref="MultiModalSwinLayer"/>)
/// and the output norms <c>norm{i}</c> for i in out_indices, which exist in official checkpoints but are not used by
/// MagNet (without the CAM they give the decoder features, as in LAVT). The forward is stage-wise so that the text encoder can be interleaved (see <see cref="MagNetBackbone"/>).
/// </summary>
public sealed partial class MultiModalSwin : nn.Module, IMultiModalImageEncoder, Export.IOnnxImageEncoder
{
#pragma warning disable IDE1006 // state-dict names
    private readonly PatchEmbed patch_embed;
    private readonly Parameter? absolute_pos_embed;
    private readonly Dropout pos_drop;
    private readonly ModuleList<MultiModalSwinLayer> layers;
#pragma warning restore IDE1006
    private readonly LayerNorm[] outputNorms;
    private readonly ImageModelConfig config;

    /// <summary>
    /// Creates the encoder; the PWAMs read word features of width <paramref name="textDim"/>. With
    /// <paramref name="useCam"/> false the stages have no cross-modal alignment module and the decoder feature of
    /// stage i is <c>norm{i}</c> of its PWAM output (LAVT), so every stage must be in out_indices.
    /// </summary>
    /// <exception cref="ArgumentException">A value of <paramref name="config"/> is invalid.</exception>
    public MultiModalSwin(ImageModelConfig config, int textDim, bool useCam = true) : base(nameof(MultiModalSwin))
    {
        ArgumentNullException.ThrowIfNull(config);
        if (textDim < 1) throw new ArgumentOutOfRangeException(nameof(textDim), textDim, "The word feature width must be positive.");
        if (!useCam && !Enumerable.Range(0, 4).All(i => config.OutIndices.Contains(i)))
            throw new ArgumentException("Without the CAM every stage needs its output norm: out_indices must be [0, 1, 2, 3].", nameof(config));
        this.config = config;
        UsesCam = useCam;
        patch_embed = new PatchEmbed(config.PatchSize, config.InChans, config.EmbedDim, config.PatchNorm);
        if (config.Ape)
        {
            long patches = config.PretrainImgSize / config.PatchSize;
            absolute_pos_embed = new Parameter(torch.zeros(1, config.EmbedDim, patches, patches));
        }
        pos_drop = nn.Dropout(config.DropRate);

        var rates = DropPathRates(config.DropPathRate, config.Depths.Sum());
        var stageLayers = new MultiModalSwinLayer[4];
        int first = 0;
        for (int i = 0; i < 4; i++)
        {
            stageLayers[i] = new MultiModalSwinLayer(i, config.StageDim(i), config.Depths[i], config.NumHeads[i], config.WindowSize, config,
                rates.Skip(first).Take(config.Depths[i]).ToArray(), textDim, config.NumHeadsFusion[i], hasDownsample: i < 3, useCam);
            first += config.Depths[i];
        }
        layers = nn.ModuleList(stageLayers);
        RegisterComponents();

        outputNorms = new LayerNorm[4];
        foreach (int i in config.OutIndices)
        {
            outputNorms[i] = nn.LayerNorm(config.StageDim(i));
            register_module($"norm{i}", outputNorms[i]);
        }

        InitializeWeights(this, layers);
        if (absolute_pos_embed is not null)
        {
            using var noGrad = torch.no_grad();
            TruncatedNormal.Fill(absolute_pos_embed, std: 0.02);
        }
        FreezeStages();
    }

    /// <summary>The hyper-parameters this encoder was built with.</summary>
    public ImageModelConfig Config => config;

    /// <summary>Whether the stages have the cross-modal alignment module (false: LAVT's decoder features).</summary>
    public bool UsesCam { get; }

    /// <summary>
    /// Linear stochastic-depth schedule over all blocks, as Swin: block k of n gets rate·k/(n−1) (0 for a single block).
    /// </summary>
    public static double[] DropPathRates(double rate, int blocks)
    {
        var rates = new double[blocks];
        for (int k = 0; k < blocks; k++) rates[k] = blocks == 1 ? 0 : rate * k / (blocks - 1);
        return rates;
    }

    /// <summary>
    /// The stem: patch embedding (+ absolute position embedding) flattened to [B, H·W, C] (recorded as
    /// <c>img.stem</c>); <paramref name="height"/>/<paramref name="width"/> receive the token grid size.
    /// </summary>
    public Tensor ForwardStem(Tensor image, out long height, out long width)
    {
        using var scope = NewDisposeScope();
        var x = patch_embed.call(image);
        height = x.shape[2];
        width = x.shape[3];
        if (absolute_pos_embed is not null)
            x = x + nn.functional.interpolate(absolute_pos_embed, [height, width], mode: InterpolationMode.Bicubic);
        x = pos_drop.call(x.flatten(2).transpose(1, 2));
        TensorRecorder.Record("img.stem", x);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>The Swin blocks of stage <paramref name="stage"/> (0-based) on <paramref name="x"/> [B, H·W, C].</summary>
    public Tensor ForwardStage(int stage, Tensor x, long height, long width) => layers[stage].ForwardBlocks(x, height, width);

    /// <summary>
    /// The fusion step of stage <paramref name="stage"/> (0-based): words <paramref name="l"/> [B, D, T], 0/1 mask
    /// <paramref name="lMask"/> [B, T, 1]; see <see cref="MultiModalSwinLayer.ForwardFusion"/> (without the CAM it
    /// gets <c>norm{stage}</c>).
    /// </summary>
    public ImageStageOutput ForwardFusion(int stage, Tensor x, long height, long width, Tensor l, Tensor lMask) =>
        layers[stage].ForwardFusion(x, height, width, l, lMask, UsesCam ? null : outputNorms[stage]);

    /// <summary>
    /// Swin's initialisation of every Linear (truncated normal, std 0.02, zero bias) and LayerNorm (1, 0) under
    /// <paramref name="root"/>, then each stage's gate set to start closed.
    /// </summary>
    internal static void InitializeWeights(nn.Module root, IEnumerable<MultiModalSwinLayer> stages)
    {
        using var noGrad = torch.no_grad();
        foreach (var (_, module) in root.named_modules())
        {
            switch (module)
            {
                case Linear linear:
                    TruncatedNormal.Fill(linear.weight, std: 0.02);
                    if (linear.bias is not null) nn.init.zeros_(linear.bias);
                    break;
                case LayerNorm norm:
                    if (norm.weight is not null) nn.init.ones_(norm.weight);
                    if (norm.bias is not null) nn.init.zeros_(norm.bias);
                    break;
            }
        }
        // Gates start closed (the encoders begin as plain Swin/BERT) but stay trainable: only the gate's last Linear
        // is zeroed. Zeroing both, as the official constructors do, would leave both with zero gradient forever.
        foreach (var layer in stages)
            nn.init.zeros_(layer.ResGate.children().OfType<Linear>().Last().weight);
    }

    private void FreezeStages()
    {
        if (config.FrozenStages >= 0)
            foreach (var p in patch_embed.parameters()) p.requires_grad = false;
        if (config.FrozenStages >= 1 && absolute_pos_embed is not null) absolute_pos_embed.requires_grad = false;
        for (int i = 0; i < config.FrozenStages - 1; i++)
            foreach (var p in layers[i].parameters()) p.requires_grad = false;
    }
}
