using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MagNet.ML.Training;

/// <summary>
/// One BERT encoder layer of the Masked Token Predictor (post-norm): multi-head self-attention, residual,
/// LayerNorm, then a GELU feed-forward, residual, LayerNorm. Dropout as BERT places it (attention probabilities,
/// and each sub-layer's output before the residual).
/// </summary>
public sealed class MaskedTokenPredictorLayer : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly Linear attention_output;
    private readonly LayerNorm attention_norm;
    private readonly Linear intermediate;
    private readonly Linear output;
    private readonly LayerNorm output_norm;
    private readonly Dropout attention_dropout;
    private readonly Dropout hidden_dropout;
#pragma warning restore IDE1006

    private readonly int numHeads;

    /// <summary>Creates a layer.</summary>
    /// <param name="hiddenSize">Model width.</param>
    /// <param name="numHeads">Attention heads (must divide <paramref name="hiddenSize"/>).</param>
    /// <param name="intermediateSize">Feed-forward width.</param>
    /// <param name="hiddenDropout">Dropout on sub-layer outputs.</param>
    /// <param name="attentionDropout">Dropout on attention probabilities.</param>
    /// <param name="layerNormEps">LayerNorm epsilon.</param>
    public MaskedTokenPredictorLayer(int hiddenSize, int numHeads, int intermediateSize, double hiddenDropout,
        double attentionDropout, double layerNormEps) : base(nameof(MaskedTokenPredictorLayer))
    {
        if (hiddenSize % numHeads != 0)
            throw new ArgumentException($"hiddenSize ({hiddenSize}) must be a multiple of numHeads ({numHeads}).");
        this.numHeads = numHeads;
        query = nn.Linear(hiddenSize, hiddenSize);
        key = nn.Linear(hiddenSize, hiddenSize);
        value = nn.Linear(hiddenSize, hiddenSize);
        attention_output = nn.Linear(hiddenSize, hiddenSize);
        attention_norm = nn.LayerNorm(hiddenSize, layerNormEps);
        intermediate = nn.Linear(hiddenSize, intermediateSize);
        output = nn.Linear(intermediateSize, hiddenSize);
        output_norm = nn.LayerNorm(hiddenSize, layerNormEps);
        attention_dropout = nn.Dropout(attentionDropout);
        hidden_dropout = nn.Dropout(hiddenDropout);
        RegisterComponents();
    }

    /// <summary>Runs the layer.</summary>
    /// <param name="hidden">Token states [B,N,H].</param>
    /// <param name="additiveMask">Additive attention mask broadcastable to [B,heads,N,N]: 0 for keys to attend,
    /// a large negative number for keys to ignore.</param>
    /// <returns>New token states [B,N,H].</returns>
    public override Tensor forward(Tensor hidden, Tensor additiveMask)
    {
        using var scope = NewDisposeScope();
        long b = hidden.shape[0], n = hidden.shape[1], h = hidden.shape[2];
        long d = h / numHeads;
        Tensor Heads(Tensor x) => x.view(b, n, numHeads, d).transpose(1, 2);        // [B,heads,N,d]
        var q = Heads(query.call(hidden));
        var k = Heads(key.call(hidden));
        var v = Heads(value.call(hidden));
        var scores = q.matmul(k.transpose(-1, -2)).div(Math.Sqrt(d)).add(additiveMask);
        var probs = attention_dropout.call(F.softmax(scores, -1));
        var context = probs.matmul(v).transpose(1, 2).reshape(b, n, h);
        var attended = attention_norm.call(hidden + hidden_dropout.call(attention_output.call(context)));
        var ffn = output.call(F.gelu(intermediate.call(attended)));
        return output_norm.call(attended + hidden_dropout.call(ffn)).MoveToOuterDisposeScope();
    }
}
