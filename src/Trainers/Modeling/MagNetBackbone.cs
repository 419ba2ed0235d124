using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// The two MagNet encoders with the official stage-wise interleaving (<c>test.py</c> <c>WrapperModel.forward</c>):
/// fields <c>image_model</c> (<see cref="MultiModalSwin"/>) and <c>language_model</c> (<see cref="MultiModalBert"/>), so
/// the state-dict names equal the official <c>image_model.*</c> / <c>language_model.*</c> entries.
/// For each stage i = 1..4: image stage i (Swin blocks) → BERT group i → image PWAM + CAM i (→ Y_i) → language PWAM i
/// (reading the pre-fusion image tokens) → PatchMerging.
/// </summary>
public sealed partial class MagNetBackbone : nn.Module<Tensor, Tensor, Tensor, BackboneOutput>
{
#pragma warning disable IDE1006 // state-dict names
    private readonly MultiModalSwin image_model;
    private readonly MultiModalBert language_model;
#pragma warning restore IDE1006

    /// <summary>Builds both encoders for <paramref name="config"/> (validated first).</summary>
    /// <exception cref="ArgumentException">The configuration is invalid.</exception>
    public MagNetBackbone(MagNetConfig config) : base(nameof(MagNetBackbone))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        image_model = new MultiModalSwin(config.ImageModel.Kwargs, config.LanguageModel.Config.HiddenSize, config.UseCam);
        language_model = new MultiModalBert(config.LanguageModel, config.LanguagePwamQuirk);
        RegisterComponents();
    }

    /// <summary>The image encoder.</summary>
    public MultiModalSwin ImageModel => image_model;

    /// <summary>The text encoder.</summary>
    public MultiModalBert LanguageModel => language_model;

    /// <summary>
    /// Runs both encoders on <paramref name="image"/> [B, 3, S, S] (ImageNet-normalised), <paramref name="inputIds"/>
    /// [B, T] and the 0/1 <paramref name="attentionMask"/> [B, T] (both int64).
    /// </summary>
    public override BackboneOutput forward(Tensor image, Tensor inputIds, Tensor attentionMask) =>
        Forward(image_model, language_model, image, inputIds, attentionMask);

    /// <summary>
    /// The interleaved forward over two encoders held elsewhere (e.g. by a full model that owns them as its own
    /// <c>image_model</c>/<c>language_model</c> fields).
    /// </summary>
    public static BackboneOutput Forward(IMultiModalImageEncoder imageModel, MultiModalBert languageModel, Tensor image, Tensor inputIds, Tensor attentionMask)
    {
        ArgumentNullException.ThrowIfNull(imageModel);
        ArgumentNullException.ThrowIfNull(languageModel);
        CheckInputs(image, inputIds, attentionMask);
        using var scope = NewDisposeScope();
        var x = imageModel.ForwardStem(image, out long height, out long width);
        var extended = languageModel.ExtendedAttentionMask(attentionMask);
        var l = languageModel.ForwardEmbeddings(inputIds);
        var wordMask = attentionMask.to_type(ScalarType.Float32).unsqueeze(-1);   // [B, T, 1]
        var queryMask = languageModel.PwamQueryMask(attentionMask, extended);     // [B, 1, T]

        var features = new Tensor[4];
        for (int stage = 0; stage < 4; stage++)
        {
            x = imageModel.ForwardStage(stage, x, height, width);
            l = languageModel.ForwardGroup(stage, l, extended);
            var fused = imageModel.ForwardFusion(stage, x, height, width, l.permute(0, 2, 1), wordMask);
            l = languageModel.ForwardFusion(stage, l, x, queryMask);
            features[stage] = fused.Feature;
            if (fused.Next is not null)
            {
                x = fused.Next;
                height = fused.NextHeight;
                width = fused.NextWidth;
            }
        }
        foreach (var feature in features) feature.MoveToOuterDisposeScope();
        return new BackboneOutput(features, l.MoveToOuterDisposeScope(), extended.MoveToOuterDisposeScope());
    }

    private static void CheckInputs(Tensor image, Tensor inputIds, Tensor attentionMask)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(attentionMask);
        if (image.dim() != 4) throw new ArgumentException($"image must be [B, C, H, W]; got shape [{string.Join(", ", image.shape)}].", nameof(image));
        if (inputIds.dim() != 2 || inputIds.dtype != ScalarType.Int64)
            throw new ArgumentException($"input_ids must be int64 [B, T]; got {inputIds.dtype} [{string.Join(", ", inputIds.shape)}].", nameof(inputIds));
        if (!attentionMask.shape.SequenceEqual(inputIds.shape))
            throw new ArgumentException($"attention_mask [{string.Join(", ", attentionMask.shape)}] must have the shape of input_ids [{string.Join(", ", inputIds.shape)}].", nameof(attentionMask));
        if (image.shape[0] != inputIds.shape[0])
            throw new ArgumentException($"image batch {image.shape[0]} differs from input_ids batch {inputIds.shape[0]}.", nameof(inputIds));
    }
}
