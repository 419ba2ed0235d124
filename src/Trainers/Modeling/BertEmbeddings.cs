using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// BERT embeddings (Hugging Face names): <c>word_embeddings</c> + <c>position_embeddings</c> (positions 0..T−1) +
/// <c>token_type_embeddings</c> (type 0) → <c>LayerNorm</c> → dropout.
/// </summary>
public sealed partial class BertEmbeddings : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
    private readonly Embedding token_type_embeddings;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;
#pragma warning restore IDE1006

    /// <summary>Creates the embeddings for <paramref name="config"/>.</summary>
    public BertEmbeddings(BertConfig config) : base(nameof(BertEmbeddings))
    {
        word_embeddings = nn.Embedding(config.VocabSize, config.HiddenSize, padding_idx: config.PadTokenId);
        position_embeddings = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize);
        token_type_embeddings = nn.Embedding(config.TypeVocabSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <summary>Embeds <paramref name="inputIds"/> [B, T] (int64) into [B, T, D].</summary>
    public override Tensor forward(Tensor inputIds)
    {
        using var scope = NewDisposeScope();
        long tokens = inputIds.shape[1];
        var positions = torch.arange(tokens, dtype: ScalarType.Int64, device: inputIds.device).unsqueeze(0).expand_as(inputIds);
        var tokenTypes = torch.zeros_like(inputIds);
        var embeddings = word_embeddings.call(inputIds) + position_embeddings.call(positions) + token_type_embeddings.call(tokenTypes);
        return dropout.call(LayerNorm.call(embeddings)).MoveToOuterDisposeScope();
    }
}
