using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// Language-side attention of MagNet (official <c>bert/multimodal_bert.py</c>): words query the pixels.
/// <c>f_query</c> = Conv1x1 on the words, multiplied by the query mask; <c>f_key</c>/<c>f_value</c> = Conv1x1 +
/// InstanceNorm over the pixels; scores scaled by key_channels^−0.5 plus (1e4·m − 1e4) per word, softmax over pixels;
/// <c>W</c> = Conv1x1 + InstanceNorm over the words.
/// </summary>
/// <remarks>
/// The official model feeds the additive BERT mask (0 valid / −10000 pad) as the query mask m: valid-token queries
/// become 0 (uniform attention over pixels) and pad-token queries are scaled by −10000. <see cref="MultiModalBert"/>
/// passes that mask or a proper 0/1 mask (see <see cref="MagNetConfig.LanguagePwamQuirk"/>); this class applies
/// whatever it is given, in the official order of operations.
/// </remarks>
public sealed partial class LanguageImageAttention : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    private readonly Sequential f_query;
    private readonly Sequential f_key;
    private readonly Sequential f_value;
    private readonly Sequential W;
#pragma warning restore IDE1006
    private readonly int keyChannels;
    private readonly int valueChannels;
    private readonly int numHeads;

    /// <summary>Creates the attention (word width <paramref name="vInChannels"/>, pixel width <paramref name="lInChannels"/>).</summary>
    public LanguageImageAttention(int vInChannels, int lInChannels, int keyChannels, int valueChannels, int outChannels, int numHeads)
        : base(nameof(LanguageImageAttention))
    {
        this.keyChannels = keyChannels;
        this.valueChannels = valueChannels;
        this.numHeads = numHeads;
        f_query = nn.Sequential(nn.Conv1d(vInChannels, keyChannels, 1));
        f_key = nn.Sequential(nn.Conv1d(lInChannels, keyChannels, 1), new InstanceNormWithoutAffine());
        f_value = nn.Sequential(nn.Conv1d(lInChannels, valueChannels, 1), new InstanceNormWithoutAffine());
        W = nn.Sequential(nn.Conv1d(valueChannels, outChannels, 1), new InstanceNormWithoutAffine());
        RegisterComponents();
    }

    /// <summary>
    /// <paramref name="x"/>: words [B, T, v_in]; <paramref name="pixels"/>: [B, HW, l_in];
    /// <paramref name="queryMask"/>: [B, 1, T]. Returns [B, T, out].
    /// </summary>
    public override Tensor forward(Tensor x, Tensor pixels, Tensor queryMask)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], tokens = x.shape[1];
        var query = f_query.call(x.permute(0, 2, 1)) * queryMask;           // [B, key, T]
        query = query.permute(0, 2, 1);                                      // [B, T, key]
        var l = pixels.permute(0, 2, 1);                                     // [B, l_in, HW]
        var key = f_key.call(l);                                             // [B, key, HW]
        var value = f_value.call(l);                                         // [B, value, HW]
        long hw = value.shape[^1];
        query = query.reshape(b, tokens, numHeads, keyChannels / numHeads).permute(0, 2, 1, 3);
        key = key.reshape(b, numHeads, keyChannels / numHeads, hw);
        value = value.reshape(b, numHeads, valueChannels / numHeads, hw);
        var additive = queryMask.permute(0, 2, 1).unsqueeze(1);             // [B, 1, T, 1]
        var scores = Math.Pow(keyChannels, -0.5) * query.matmul(key);        // [B, heads, T, HW]
        scores = scores + (1e4 * additive - 1e4);
        var attention = scores.softmax(-1);
        var output = attention.matmul(value.permute(0, 1, 3, 2));           // [B, heads, T, value/heads]
        output = output.permute(0, 2, 1, 3).contiguous().reshape(b, tokens, valueChannels).permute(0, 2, 1);
        return W.call(output).permute(0, 2, 1).MoveToOuterDisposeScope();
    }
}
