using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// MagNet's text encoder (official <c>MultiModalBert</c>, state-dict prefix <c>language_model.</c>): a Hugging Face BERT
/// (<c>embeddings</c>, <c>encoder.layer.{k}</c>, no pooler) whose layers run in four groups split at pwam_idx, each group
/// followed by a language-side PWAM (<c>pwams.{i}</c>) reading the image stage, a gate <c>res_gates.{i}</c>
/// (Linear → ReLU → Linear → Tanh, no biases) and a LayerNorm <c>norms.{i}</c> whose output the official model computes
/// and discards.
/// </summary>
public sealed partial class MultiModalBert : nn.Module
{
#pragma warning disable IDE1006 // state-dict names
    private readonly BertEmbeddings embeddings;
    private readonly BertEncoder encoder;
    private readonly ModuleList<LanguagePwam> pwams;
    private readonly ModuleList<Sequential> res_gates;
    private readonly ModuleList<LayerNorm> norms;
#pragma warning restore IDE1006
    private readonly LanguageModelSection config;
    private readonly bool pwamMaskQuirk;

    /// <summary>
    /// Creates the encoder. With <paramref name="pwamMaskQuirk"/> the language PWAMs receive the additive mask as the
    /// official model does (see <see cref="MagNetConfig.LanguagePwamQuirk"/>); without it, the 0/1 token mask.
    /// </summary>
    public MultiModalBert(LanguageModelSection config, bool pwamMaskQuirk) : base(nameof(MultiModalBert))
    {
        ArgumentNullException.ThrowIfNull(config);
        this.config = config;
        this.pwamMaskQuirk = pwamMaskQuirk;
        var bert = config.Config;
        int hidden = bert.HiddenSize;
        embeddings = new BertEmbeddings(bert);
        encoder = new BertEncoder(bert);
        pwams = nn.ModuleList(Enumerable.Range(0, 4).Select(i =>
            new LanguagePwam(hidden, hidden, config.EmbedDim << i, hidden, hidden, config.NumHeadsFusion[i], config.FusionDrop)).ToArray());
        res_gates = nn.ModuleList(Enumerable.Range(0, 4).Select(_ => nn.Sequential(
            nn.Linear(hidden, hidden, hasBias: false), nn.ReLU(), nn.Linear(hidden, hidden, hasBias: false), nn.Tanh())).ToArray());
        norms = nn.ModuleList(Enumerable.Range(0, 4).Select(_ => nn.LayerNorm(hidden)).ToArray());
        RegisterComponents();
        InitializeWeights(bert.InitializerRange);
    }

    /// <summary>The section this encoder was built from.</summary>
    public LanguageModelSection Config => config;

    /// <summary>Whether the language PWAMs get the official additive mask (true) or the 0/1 mask (false).</summary>
    public bool PwamMaskQuirk => pwamMaskQuirk;

    /// <summary>The plain BERT layer stack (for loading pretrained text-encoder weights and text-only passes).</summary>
    public BertEncoder Encoder => encoder;

    /// <summary>BERT's additive mask (1 − m)·(−10000) as float [B, 1, 1, T] (recorded as <c>lang.extended_attention_mask</c>).</summary>
    public Tensor ExtendedAttentionMask(Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var mask = (1.0 - attentionMask.to_type(ScalarType.Float32).unsqueeze(1).unsqueeze(1)) * -10000.0;
        TensorRecorder.Record("lang.extended_attention_mask", mask);
        return mask.MoveToOuterDisposeScope();
    }

    /// <summary>The query mask the language PWAMs get [B, 1, T]: the additive mask (quirk) or the 0/1 mask as float.</summary>
    public Tensor PwamQueryMask(Tensor attentionMask, Tensor extendedMask)
    {
        using var scope = NewDisposeScope();
        var mask = pwamMaskQuirk ? extendedMask.squeeze(1) : attentionMask.to_type(ScalarType.Float32).unsqueeze(1);
        return mask.MoveToOuterDisposeScope();
    }

    /// <summary>Token embeddings [B, T, D] of <paramref name="inputIds"/> [B, T] (recorded as <c>lang.embeddings</c>).</summary>
    public Tensor ForwardEmbeddings(Tensor inputIds)
    {
        using var scope = NewDisposeScope();
        var l = embeddings.call(inputIds);
        TensorRecorder.Record("lang.embeddings", l);
        return l.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The BERT layers of group <paramref name="stage"/> (0-based): layers [pwam_idx[stage−1], pwam_idx[stage]). Records
    /// <c>lang.bert_layer{k}</c> for all but the group's last layer and <c>lang.stage{stage+1}.bert_out</c> for it.
    /// </summary>
    public Tensor ForwardGroup(int stage, Tensor l, Tensor extendedMask)
    {
        using var scope = NewDisposeScope();
        int start = stage == 0 ? 0 : config.PwamIdx[stage - 1], end = config.PwamIdx[stage];
        var h = l;
        for (int k = start; k < end; k++)
        {
            h = encoder[k].call(h, extendedMask);
            TensorRecorder.Record(k < end - 1 ? $"lang.bert_layer{k}" : $"lang.stage{stage + 1}.bert_out", h);
        }
        return h.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Language-side fusion of stage <paramref name="stage"/> (0-based): M = PWAM(<paramref name="l"/> [B, T, D],
    /// pre-fusion pixels <paramref name="pixels"/> [B, H·W, C], <paramref name="queryMask"/> [B, 1, T] from
    /// <see cref="PwamQueryMask"/>), returns l + res_gate(M)·M. Records <c>lang.stage{i}.pwam_att/.pwam/.gate/.fused/.norm</c>.
    /// </summary>
    public Tensor ForwardFusion(int stage, Tensor l, Tensor pixels, Tensor queryMask)
    {
        using var scope = NewDisposeScope();
        string prefix = $"lang.stage{stage + 1}";
        var (pwam, attention) = pwams[stage].ForwardWithAttention(l, pixels, queryMask);
        TensorRecorder.Record($"{prefix}.pwam_att", attention);
        TensorRecorder.Record($"{prefix}.pwam", pwam);
        var gate = res_gates[stage].call(pwam);
        TensorRecorder.Record($"{prefix}.gate", gate);
        var fused = l + gate * pwam;
        TensorRecorder.Record($"{prefix}.fused", fused);
        if (TensorRecorder.IsActive) TensorRecorder.Record($"{prefix}.norm", norms[stage].call(pwam));
        return fused.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A plain BERT pass (embeddings and all layers, no fusion): the last hidden state [B, T, D] for
    /// <paramref name="inputIds"/> and the 0/1 <paramref name="attentionMask"/> [B, T].
    /// </summary>
    public Tensor ForwardText(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var extended = ExtendedAttentionMask(attentionMask);
        var h = embeddings.call(inputIds);
        for (int k = 0; k < encoder.Count; k++) h = encoder[k].call(h, extended);
        return h.MoveToOuterDisposeScope();
    }

    private void InitializeWeights(double std)
    {
        using var noGrad = torch.no_grad();
        foreach (var (_, module) in named_modules())
        {
            switch (module)
            {
                case Linear linear:
                    nn.init.normal_(linear.weight, 0, std);
                    if (linear.bias is not null) nn.init.zeros_(linear.bias);
                    break;
                case Embedding embedding:
                    nn.init.normal_(embedding.weight, 0, std);
                    break;
                case LayerNorm norm:
                    if (norm.weight is not null) nn.init.ones_(norm.weight);
                    if (norm.bias is not null) nn.init.zeros_(norm.bias);
                    break;
            }
        }
        // As on the image side: the gate's last Linear is zeroed so the gate starts closed but receives gradients.
        foreach (var gate in res_gates)
            nn.init.zeros_(gate.children().OfType<Linear>().Last().weight);
    }
}
