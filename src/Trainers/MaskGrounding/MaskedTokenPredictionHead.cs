using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MagNet.ML.Training;

/// <summary>
/// The vocabulary prediction head of Mask Grounding (BERT's <c>BertLMPredictionHead</c>): dense H→H, GELU,
/// LayerNorm, then a decoder to the vocabulary with its own bias. The decoder is either an untied Linear(H → V) or
/// tied to a word-embedding matrix E [V,D_text] supplied at call time through a learned projection:
/// logits = (W_p·t)·Eᵀ + b (see <see cref="MaskGroundingOptions.TieDecoderToWordEmbeddings"/>).
/// </summary>
public sealed class MaskedTokenPredictionHead : nn.Module
{
#pragma warning disable IDE1006 // state-dict names
    private readonly Linear transform;
    private readonly LayerNorm transform_norm;
    private readonly Linear? decoder;
    private readonly Linear? decoder_projection;
    private readonly Parameter bias;
#pragma warning restore IDE1006

    private readonly int vocabularySize;
    private readonly int textDimension;

    /// <summary>Creates the head.</summary>
    /// <param name="hiddenSize">Input width H.</param>
    /// <param name="vocabularySize">Vocabulary size V.</param>
    /// <param name="layerNormEps">LayerNorm epsilon.</param>
    /// <param name="tiedTextDimension">When not null, the decoder is tied to a word-embedding matrix of this width
    /// (D_text), passed to <see cref="Logits"/>; when null, the decoder is an untied Linear(H → V).</param>
    public MaskedTokenPredictionHead(int hiddenSize, int vocabularySize, double layerNormEps, int? tiedTextDimension = null)
        : base(nameof(MaskedTokenPredictionHead))
    {
        this.vocabularySize = vocabularySize;
        transform = nn.Linear(hiddenSize, hiddenSize);
        transform_norm = nn.LayerNorm(hiddenSize, layerNormEps);
        if (tiedTextDimension is int dt)
        {
            textDimension = dt;
            decoder_projection = nn.Linear(hiddenSize, dt, hasBias: false);
        }
        else
        {
            decoder = nn.Linear(hiddenSize, vocabularySize, hasBias: false);
        }
        bias = nn.Parameter(zeros(vocabularySize));
        RegisterComponents();
    }

    /// <summary>True when the decoder is tied to a supplied word-embedding matrix.</summary>
    public bool IsTied => decoder_projection is not null;

    /// <summary>Vocabulary logits for token states.</summary>
    /// <param name="hidden">Token states [..., H].</param>
    /// <param name="wordEmbeddings">The word-embedding matrix [V,D_text] when the head is tied; ignored otherwise.</param>
    /// <returns>Logits [..., V].</returns>
    /// <exception cref="ArgumentException">The head is tied and <paramref name="wordEmbeddings"/> is missing or has
    /// the wrong shape.</exception>
    public Tensor Logits(Tensor hidden, Tensor? wordEmbeddings = null)
    {
        using var scope = NewDisposeScope();
        var t = transform_norm.call(F.gelu(transform.call(hidden)));
        Tensor logits;
        if (decoder_projection is not null)
        {
            if (wordEmbeddings is null)
                throw new ArgumentException("The prediction head is tied to word embeddings: pass the text encoder's word-embedding matrix [V,D_text].", nameof(wordEmbeddings));
            if (wordEmbeddings.dim() != 2 || wordEmbeddings.shape[0] != vocabularySize || wordEmbeddings.shape[1] != textDimension)
                throw new ArgumentException(
                    $"wordEmbeddings must have shape [{vocabularySize},{textDimension}]; got [{string.Join(",", wordEmbeddings.shape)}].", nameof(wordEmbeddings));
            logits = decoder_projection.call(t).matmul(wordEmbeddings.t());
        }
        else
        {
            logits = decoder!.call(t);
        }
        return logits.add(bias).MoveToOuterDisposeScope();
    }
}
