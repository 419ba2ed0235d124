using MagNet.ML.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Training;

[TestClass]
public sealed class AdamWParameterGroupsTests
{
    /// <summary>A module whose parameter names cover each case of the rule.</summary>
    private sealed class Sample : nn.Module
    {
#pragma warning disable IDE1006, IDE0052 // state-dict names; fields are read through named_parameters
        private readonly Conv2d patch_embed = nn.Conv2d(3, 4, 2);
        private readonly Parameter absolute_pos_embed = nn.Parameter(zeros(1, 4, 4));
        private readonly Parameter relative_position_bias_table = nn.Parameter(zeros(9, 2));
        private readonly LayerNorm norm1 = nn.LayerNorm(4);
        private readonly Sequential input_proj = nn.Sequential(nn.Conv2d(4, 4, 1), nn.GroupNorm(2, 4));
        private readonly Linear qkv = nn.Linear(4, 12);
        private readonly ModuleDict<nn.Module> embeddings = new();
        private readonly Embedding query_feat = nn.Embedding(1, 4);
        private readonly Linear frozen = nn.Linear(4, 4);
#pragma warning restore IDE1006, IDE0052

        public Sample() : base(nameof(Sample))
        {
            embeddings.Add("word_embeddings", nn.Embedding(10, 4));
            embeddings.Add("LayerNorm", nn.LayerNorm(4));
            RegisterComponents();
            foreach (var p in frozen.parameters()) p.requires_grad = false;
        }
    }

    private static readonly string[] ExpectedDecay = { "patch_embed.weight", "input_proj.0.weight", "qkv.weight", "query_feat.weight" };

    private static readonly string[] ExpectedNoDecay =
    {
        "patch_embed.bias",                 // bias
        "absolute_pos_embed",               // Swin's absolute position embedding (3-D, by name)
        "relative_position_bias_table",     // Swin's table (2-D, by name)
        "norm1.weight", "norm1.bias",       // LayerNorm
        "input_proj.0.bias",                // bias
        "input_proj.1.weight", "input_proj.1.bias", // GroupNorm inside a Sequential: 1-D
        "qkv.bias",                         // bias
        "embeddings.word_embeddings.weight",// BERT embedding table (2-D, by name)
        "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias",
    };

    [TestMethod]
    public void SplitsParametersByTheDocumentedRuleAndLeavesFrozenOnesOut()
    {
        using var model = new Sample();
        var groups = AdamWParameterGroups.Create(model.named_parameters());

        CollectionAssert.AreEquivalent(ExpectedDecay, groups.Decay.Select(p => p.Name).ToArray());
        CollectionAssert.AreEquivalent(ExpectedNoDecay, groups.NoDecay.Select(p => p.Name).ToArray());
    }

    [TestMethod]
    public void ExtraPatternsMoveMatchingParametersToNoDecay()
    {
        using var model = new Sample();
        var groups = AdamWParameterGroups.Create(model.named_parameters(), new[] { "query_feat" });
        CollectionAssert.Contains(groups.NoDecay.Select(p => p.Name).ToList(), "query_feat.weight");
        CollectionAssert.DoesNotContain(groups.Decay.Select(p => p.Name).ToList(), "query_feat.weight");
    }

    [TestMethod]
    public void OptimizerStepDecaysOnlyTheDecayGroup()
    {
        torch.set_num_threads(1);
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var model = new Sample();
        var groups = AdamWParameterGroups.Create(model.named_parameters());
        var before = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        using var optimizer = groups.CreateOptimizer(learningRate: 0.1, weightDecay: 0.5);

        // Zero gradients: Adam's update is 0/(0 + ε) = 0, so only the decoupled decay p ← p·(1 − lr·wd) = 0.95·p acts.
        optimizer.zero_grad();
        model.parameters().Where(p => p.requires_grad).Select(p => p.sum()).Aggregate((x, y) => x + y).mul(0.0).backward();
        optimizer.step();

        var after = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach());
        foreach (var name in ExpectedDecay)
            Assert.IsTrue(after[name].allclose(before[name] * 0.95, rtol: 1e-6, atol: 1e-7), name);
        foreach (var name in ExpectedNoDecay.Append("frozen.weight"))
            Assert.IsTrue(after[name].eq(before[name]).all().item<bool>(), name);
    }
}
