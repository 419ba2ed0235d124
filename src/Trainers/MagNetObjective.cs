using MagNet.ML.Modeling;
using MagNet.ML.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML;

/// <summary>
/// The training objective of one batch, L = L_seg + w_MG·L_MG + L_CAL (docs/training-objectives.md): the
/// segmentation loss on every decoder output, Mask Grounding on a masked copy of the sentence (its head lives here,
/// never in the model) and the Cross-modal Alignment Loss on the mask features and
/// <c>lang_proj</c>(sentence feature), the sentence feature being the attention-masked mean of the final language
/// features. Every tensor it makes belongs to the caller's dispose scope.
/// </summary>
internal sealed class MagNetObjective : IDisposable
{
    private readonly MagNetModel _model;
    private readonly Generator _generator;
    private readonly SegmentationLoss _segmentation;
    private readonly CrossModalAlignmentLoss? _alignment;
    private readonly TokenMasking? _masking;
    private readonly double _maskGroundingWeight;
    private readonly MaskGroundingTextPass _textPass;
    private readonly Parameter? _wordEmbeddings;

    public MagNetObjective(MagNetModel model, MagNetTrainer.Options options, MaskGroundingOptions? maskGrounding, TokenMasking? masking, Generator generator)
    {
        _model = model;
        _generator = generator;
        _segmentation = new SegmentationLoss(options.SegmentationLoss);
        _alignment = options.UseCrossModalAlignmentLoss ? new CrossModalAlignmentLoss(options.CrossModalAlignment) : null;
        _maskGroundingWeight = options.MaskGroundingLossWeight;
        _textPass = options.MaskGroundingTextPass;
        if (maskGrounding is not null)
        {
            MaskGrounding = new MaskGroundingHead(maskGrounding);
            _masking = masking ?? throw new ArgumentNullException(nameof(masking));
            if (maskGrounding.TieDecoderToWordEmbeddings)
                _wordEmbeddings = model.named_parameters().Single(p => p.name == "language_model.embeddings.word_embeddings.weight").parameter;
        }
    }

    /// <summary>The Mask Grounding head (training only), or null when Mask Grounding is off.</summary>
    public MaskGroundingHead? MaskGrounding { get; }

    /// <summary>Computes the loss of a batch: images [B,3,S,S], ids and attention [B,T] (Int64), masks [B,S,S].</summary>
    public LossParts Compute(Tensor image, Tensor ids, Tensor attention, Tensor gtMask)
    {
        MaskedTokens? masked = _masking?.Apply(ids, attention, _generator);
        var forwardIds = masked is not null && _textPass == MaskGroundingTextPass.Shared ? masked.InputIds : ids;
        var output = _model.forward(image, forwardIds, attention);

        var decoderOutputs = output.Head.AuxOutputs.Select(a => new MaskDecoderOutput(a.Logits, a.Masks))
            .Append(new MaskDecoderOutput(output.Head.PredLogits, output.Head.PredMasks)).ToArray();
        var segmentation = _segmentation.Compute(decoderOutputs, gtMask, _generator).Total;
        var total = segmentation;

        Tensor? maskGrounding = null;
        if (MaskGrounding is not null)
        {
            var textFeatures = _textPass == MaskGroundingTextPass.Shared
                ? output.Backbone.LanguageFeatures
                : _model.LanguageModel.ForwardText(masked!.InputIds, attention);
            maskGrounding = MaskGrounding.Loss(textFeatures, attention, output.Backbone.Features[3], gtMask, masked!.Targets, _wordEmbeddings);
            total = total + maskGrounding.mul(_maskGroundingWeight);
        }

        Tensor? alignment = null;
        if (_alignment is not null)
        {
            var sentence = SentenceFeature(output.Backbone.LanguageFeatures, attention);
            alignment = _alignment.Compute(output.Head.MaskFeatures, gtMask, _model.LangProj.call(sentence), _generator).Total;
            total = total + alignment;
        }
        return new LossParts(total, segmentation, maskGrounding, alignment);
    }

    /// <summary>Mean of the token features [B,T,D] over the tokens whose attention mask is 1: [B,D].</summary>
    public static Tensor SentenceFeature(Tensor languageFeatures, Tensor attention)
    {
        var weights = attention.to_type(languageFeatures.dtype).unsqueeze(-1);                 // [B,T,1]
        return (languageFeatures * weights).sum(1) / weights.sum(1).clamp_min(1.0);
    }

    public void Dispose() => MaskGrounding?.Dispose();
}
