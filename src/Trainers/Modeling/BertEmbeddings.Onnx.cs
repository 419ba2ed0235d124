using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class BertEmbeddings
{
    /// <summary>
    /// Emits word + position (0..T−1) + token-type-0 embeddings → LayerNorm for <paramref name="inputIds"/>
    /// [B, <paramref name="tokens"/>] (see <see cref="forward"/>).
    /// </summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string inputIds, long tokens)
    {
        using var scope = g.Scope(prefix);
        string words = g.Embedding(inputIds, word_embeddings, $"{prefix}.word_embeddings");
        string positions = g.Embedding(g.Int64s(Enumerable.Range(0, (int)tokens).Select(i => (long)i).ToArray()), position_embeddings, $"{prefix}.position_embeddings");
        string tokenTypes = g.Embedding(g.ScalarInt64(0), token_type_embeddings, $"{prefix}.token_type_embeddings");
        return g.LayerNorm(g.Add(g.Add(words, positions), tokenTypes), LayerNorm, $"{prefix}.LayerNorm");
    }
}
