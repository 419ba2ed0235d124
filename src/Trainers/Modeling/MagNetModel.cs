using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// The MagNet inference model, module for module the official <c>WrapperModel</c>: the multi-modal Swin
/// (<c>image_model</c>; or, as an option, a <see cref="MultiModalResNet"/>), the multi-modal BERT (<c>language_model</c>), the simplified Mask2Former head
/// (<c>classifier</c>) and <c>lang_proj</c> (used only by the training losses). Its state-dict names and order equal
/// the official checkpoint's, so released weights load without renaming.
/// </summary>
public sealed partial class MagNetModel : nn.Module<Tensor, Tensor, Tensor, MagNetOutput>
{
#pragma warning disable IDE1006 // state-dict names
    private readonly nn.Module image_model;   // MultiModalSwin or MultiModalResNet
    private readonly MultiModalBert language_model;
    private readonly MaskFormerHead classifier;
    private readonly Linear lang_proj;
#pragma warning restore IDE1006

    /// <summary>Builds the model for <paramref name="config"/> (validated first) with freshly initialised weights.</summary>
    public MagNetModel(MagNetConfig config) : base(nameof(MagNetModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        int textDim = config.LanguageModel.Config.HiddenSize;
        image_model = config.ImageModel.Type == ImageEncoderKind.ResNet
            ? new MultiModalResNet(config.ImageModel.Kwargs, textDim)
            : new MultiModalSwin(config.ImageModel.Kwargs, textDim, config.UseCam);
        language_model = new MultiModalBert(config.LanguageModel, config.LanguagePwamQuirk);
        classifier = new MaskFormerHead(HeadOptions(config));
        lang_proj = nn.Linear(config.LanguageModel.Config.HiddenSize, config.LangProjDim);
        RegisterComponents();
    }

    /// <summary>The configuration the model was built from.</summary>
    public MagNetConfig Config { get; }

    /// <summary>
    /// The image encoder (<c>image_model.*</c>): a <see cref="MultiModalSwin"/>, or a <see cref="MultiModalResNet"/> when
    /// the configuration's <c>image_model.type</c> is <c>resnet</c>.
    /// </summary>
    public IMultiModalImageEncoder ImageModel => (IMultiModalImageEncoder)image_model;

    /// <summary>The multi-modal BERT text encoder (<c>language_model.*</c>).</summary>
    public MultiModalBert LanguageModel => language_model;

    /// <summary>The segmentation head (<c>classifier.*</c>).</summary>
    public MaskFormerHead Classifier => classifier;

    /// <summary>The sentence-feature projection used by the Cross-modal Alignment Loss (<c>lang_proj.*</c>).</summary>
    public Linear LangProj => lang_proj;

    /// <summary>
    /// Runs the model: <paramref name="image"/> [B,3,S,S] ImageNet-normalised, <paramref name="inputIds"/> and
    /// <paramref name="attentionMask"/> int64 [B,T]. Returns the backbone features, the final language features and
    /// every head output (logits and masks at S/4, deep-supervision outputs, mask features).
    /// </summary>
    public override MagNetOutput forward(Tensor image, Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var backbone = MagNetBackbone.Forward(ImageModel, language_model, image, inputIds, attentionMask);
        var f = backbone.Features;
        var head = classifier.call(f[0], f[1], f[2], f[3]);
        var output = new MagNetOutput(backbone, head);
        output.MoveToOuterDisposeScope();
        return output;
    }

    /// <summary>
    /// The official post-processing of <see cref="forward"/>: the foreground probability [B,1,S,S] at the input
    /// resolution (mask logits upsampled bilinearly with aligned corners, then sigmoid; <c>&gt; 0.5</c> is the mask).
    /// The caller chooses train/eval mode and gradient tracking.
    /// </summary>
    public Tensor PredictProbability(Tensor image, Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        using var output = forward(image, inputIds, attentionMask);
        var prob = SemanticInference.Postprocess(output.Head.PredLogits, output.Head.PredMasks, (image.shape[2], image.shape[3]));
        return prob.MoveToOuterDisposeScope();
    }

    /// <summary>The head options that the <c>classifier</c> section of <paramref name="config"/> describes.</summary>
    public static MaskFormerHeadOptions HeadOptions(MagNetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var cfg = config.Classifier.Cfg;
        string[] levels = ["s1", "s2", "s3", "s4"];
        var shapes = config.Classifier.InputShape.Count == 4 ? config.Classifier.InputShape : config.BackboneFeatureShapes();
        return new MaskFormerHeadOptions
        {
            InputChannels = levels.Select(l => shapes[l].Channel).ToArray(),
            InputStrides = levels.Select(l => shapes[l].Stride).ToArray(),
            ConvDim = cfg.ConvsDim,
            MaskDim = cfg.MaskDim,
            HiddenDim = cfg.HiddenDim,
            NumHeads = cfg.NHeads,
            TransformerEncoderLayers = cfg.TransformerEncLayers,
            EncoderFeedforwardDim = cfg.TransformerDimFeedforward,
            DecLayers = cfg.DecLayers,
            DimFeedforward = cfg.DimFeedforward,
            NumQueries = cfg.NumObjectQueries,
            NumClasses = cfg.NumClasses,
            PreNorm = cfg.PreNorm,
            CommonStride = cfg.CommonStride,
            Dropout = cfg.Dropout,
        };
    }
}
