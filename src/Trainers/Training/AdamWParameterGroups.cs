using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Training;

/// <summary>
/// Splits a model's trainable parameters into a weight-decay group and a no-decay group for AdamW.
/// </summary>
/// <remarks>
/// <para>A parameter goes to the no-decay group when any of these holds (names compared case-insensitively):</para>
/// <list type="bullet">
/// <item>it has at most one dimension (every bias, every LayerNorm/GroupNorm/BatchNorm affine parameter, scalars);</item>
/// <item>its name ends with <c>bias</c>;</item>
/// <item>its name contains <c>norm</c> (LayerNorm, <c>norm1</c>, LAVT's backbone rule), <c>absolute_pos_embed</c>,
/// <c>relative_position_bias_table</c> (Swin's tables, LAVT's rule) or <c>embeddings</c> (BERT's word/position/
/// token-type tables and the Mask Grounding head's embedding tables);</item>
/// <item>its name contains one of the extra patterns given to <see cref="Create"/> (e.g. Mask2Former's
/// <c>query_feat</c>, <c>query_embed</c>, <c>level_embed</c>).</item>
/// </list>
/// <para>Everything else (linear and convolution weights) decays. Parameters that do not require a gradient
/// (frozen ones) are left out of both groups, as LAVT leaves frozen BERT layers out of its optimizer.</para>
/// </remarks>
public sealed class AdamWParameterGroups
{
    private static readonly string[] NoDecayPatterns = { "norm", "absolute_pos_embed", "relative_position_bias_table", "embeddings" };

    private AdamWParameterGroups(IReadOnlyList<(string Name, Parameter Parameter)> decay, IReadOnlyList<(string Name, Parameter Parameter)> noDecay)
    {
        Decay = decay;
        NoDecay = noDecay;
    }

    /// <summary>Parameters that get weight decay, in the order given.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> Decay { get; }

    /// <summary>Parameters that get no weight decay, in the order given.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> NoDecay { get; }

    /// <summary>Splits named parameters (e.g. <c>module.named_parameters()</c>) by the documented rule.</summary>
    /// <param name="namedParameters">The parameters with their state-dict names.</param>
    /// <param name="extraNoDecayPatterns">More name substrings that mean "no decay".</param>
    public static AdamWParameterGroups Create(IEnumerable<(string name, Parameter parameter)> namedParameters,
        IEnumerable<string>? extraNoDecayPatterns = null)
    {
        ArgumentNullException.ThrowIfNull(namedParameters);
        var patterns = NoDecayPatterns.Concat(extraNoDecayPatterns ?? Array.Empty<string>()).ToArray();
        var decay = new List<(string, Parameter)>();
        var noDecay = new List<(string, Parameter)>();
        foreach (var (name, parameter) in namedParameters)
        {
            if (!parameter.requires_grad) continue;
            (IsNoDecay(name, parameter, patterns) ? noDecay : decay).Add((name, parameter));
        }
        return new AdamWParameterGroups(decay, noDecay);
    }

    /// <summary>True when the documented rule (with the built-in patterns only) puts the parameter in the no-decay group.</summary>
    /// <param name="name">The parameter's state-dict name.</param>
    /// <param name="parameter">The parameter (its number of dimensions counts).</param>
    public static bool IsNoDecay(string name, Tensor parameter) => IsNoDecay(name, parameter, NoDecayPatterns);

    /// <summary>
    /// The two AdamW parameter groups: decay with <paramref name="weightDecay"/>, no-decay with 0, both at
    /// <paramref name="learningRate"/>. An empty group is left out.
    /// </summary>
    /// <param name="learningRate">Learning rate of both groups (LAVT/MagNet: 5e-5).</param>
    /// <param name="weightDecay">Weight decay of the decay group (LAVT/MagNet: 1e-2).</param>
    public IEnumerable<AdamW.ParamGroup> ToParamGroups(double learningRate, double weightDecay)
    {
        if (Decay.Count > 0)
            yield return new AdamW.ParamGroup(Decay.Select(p => p.Parameter), lr: learningRate, weight_decay: weightDecay);
        if (NoDecay.Count > 0)
            yield return new AdamW.ParamGroup(NoDecay.Select(p => p.Parameter), lr: learningRate, weight_decay: 0.0);
    }

    /// <summary>Creates an AdamW optimizer over the two groups.</summary>
    /// <param name="learningRate">Learning rate (LAVT/MagNet: 5e-5).</param>
    /// <param name="weightDecay">Weight decay of the decay group (LAVT/MagNet: 1e-2).</param>
    /// <param name="beta1">β₁. Default 0.9.</param>
    /// <param name="beta2">β₂. Default 0.999 (PyTorch's default, which LAVT uses).</param>
    /// <param name="eps">ε. Default 1e-8.</param>
    /// <param name="amsgrad">Use AMSGrad (LAVT exposes it as a flag, off by default).</param>
    public AdamW CreateOptimizer(double learningRate, double weightDecay, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, bool amsgrad = false)
    {
        var groups = ToParamGroups(learningRate, weightDecay).ToList();
        foreach (var g in groups) { g.Options.beta1 = beta1; g.Options.beta2 = beta2; g.Options.eps = eps; g.Options.amsgrad = amsgrad; }
        return optim.AdamW(groups, learningRate, beta1, beta2, eps, weightDecay, amsgrad);
    }

    private static bool IsNoDecay(string name, Tensor parameter, string[] patterns)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(parameter);
        if (parameter.dim() <= 1) return true;
        if (name.EndsWith("bias", StringComparison.OrdinalIgnoreCase)) return true;
        return patterns.Any(p => name.Contains(p, StringComparison.OrdinalIgnoreCase));
    }
}
