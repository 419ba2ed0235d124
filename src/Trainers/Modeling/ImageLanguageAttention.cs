using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// Image-side pixel-word attention of MagNet (official <c>SpatialImageLanguageAttention</c> of <c>lib/backbone.py</c>):
/// pixels query the words. <c>f_query</c> = Linear + LayerNorm on the pixels, <c>f_key</c>/<c>f_value</c> = Conv1x1 on
/// the words times the 0/1 word mask, scores scaled by key_channels^−0.5 plus (1e4·m − 1e4), softmax over words, and
/// <c>W</c> = Linear + LayerNorm on the attended values.
/// </summary>
public sealed partial class ImageLanguageAttention : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    private readonly Sequential f_key;
    private readonly Sequential f_query;
    private readonly Sequential f_value;
    private readonly Sequential W;
#pragma warning restore IDE1006
    private readonly int keyChannels;
    private readonly int valueChannels;
    private readonly int numHeads;

    /// <summary>Creates the attention (pixel width <paramref name="vInChannels"/>, word width <paramref name="lInChannels"/>).</summary>
    public ImageLanguageAttention(int vInChannels, int lInChannels, int keyChannels, int valueChannels, int outChannels, int numHeads)
        : base(nameof(ImageLanguageAttention))
    {
        this.keyChannels = keyChannels;
        this.valueChannels = valueChannels;
        this.numHeads = numHeads;
        f_key = nn.Sequential(nn.Conv1d(lInChannels, keyChannels, 1));
        f_query = nn.Sequential(nn.Linear(vInChannels, keyChannels), nn.LayerNorm(keyChannels));
        f_value = nn.Sequential(nn.Conv1d(lInChannels, valueChannels, 1));
        W = nn.Sequential(nn.Linear(valueChannels, outChannels), nn.LayerNorm(outChannels));
        RegisterComponents();
    }

    /// <summary>
    /// <paramref name="x"/>: pixels [B, HW, v_in]; <paramref name="l"/>: words [B, l_in, T];
    /// <paramref name="lMask"/>: 0/1 word mask [B, T, 1]. Returns [B, HW, out].
    /// </summary>
    public override Tensor forward(Tensor x, Tensor l, Tensor lMask)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], hw = x.shape[1];
        var mask = lMask.permute(0, 2, 1);                                    // [B, 1, T]
        var query = f_query.call(x);                                          // [B, HW, key]
        var key = f_key.call(l) * mask;                                       // [B, key, T]
        var value = f_value.call(l) * mask;                                   // [B, value, T]
        long words = value.shape[^1];
        query = query.reshape(b, hw, numHeads, keyChannels / numHeads).permute(0, 2, 1, 3);
        key = key.reshape(b, numHeads, keyChannels / numHeads, words);
        value = value.reshape(b, numHeads, valueChannels / numHeads, words);
        var additive = mask.unsqueeze(1);                                     // [B, 1, 1, T]
        var scores = Math.Pow(keyChannels, -0.5) * query.matmul(key);
        scores = scores + (1e4 * additive - 1e4);
        var attention = scores.softmax(-1);
        var output = attention.matmul(value.permute(0, 1, 3, 2));            // [B, heads, HW, value/heads]
        output = output.permute(0, 2, 1, 3).contiguous().reshape(b, hw, valueChannels);
        return W.call(output).MoveToOuterDisposeScope();
    }
}
