using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>Everything one <see cref="MagNetModel"/> forward pass produces; disposing it frees every tensor.</summary>
public sealed class MagNetOutput : IDisposable
{
    /// <summary>Wraps the backbone and head outputs (ownership passes to this object).</summary>
    public MagNetOutput(BackboneOutput backbone, MaskFormerHeadOutput head)
    {
        Backbone = backbone;
        Head = head;
    }

    /// <summary>Backbone features Y1..Y4, the final language features [B,T,D] and the extended attention mask.</summary>
    public BackboneOutput Backbone { get; }

    /// <summary>Head outputs: class logits, mask logits at S/4, deep-supervision outputs, mask features, query embedding.</summary>
    public MaskFormerHeadOutput Head { get; }

    /// <summary>Final mask logits [B,1,S/4,S/4] (the ONNX contract's <c>mask_logits</c>).</summary>
    public Tensor MaskLogits => Head.PredMasks;

    internal void MoveToOuterDisposeScope()
    {
        foreach (var t in Backbone.Features) t.MoveToOuterDisposeScope();
        Backbone.LanguageFeatures.MoveToOuterDisposeScope();
        Backbone.ExtendedAttentionMask.MoveToOuterDisposeScope();
        Head.PredLogits.MoveToOuterDisposeScope();
        Head.PredMasks.MoveToOuterDisposeScope();
        foreach (var aux in Head.AuxOutputs)
        {
            aux.Logits.MoveToOuterDisposeScope();
            aux.Masks.MoveToOuterDisposeScope();
        }
        Head.MaskFeatures.MoveToOuterDisposeScope();
        Head.QueryEmbedding.MoveToOuterDisposeScope();
    }

    /// <summary>Frees every tensor.</summary>
    public void Dispose()
    {
        Backbone.Dispose();
        Head.Dispose();
    }
}
