using MagNet.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Training;

[TestClass]
public sealed class PolyLearningRateTests
{
    [TestMethod]
    public void ValuesFollowLavtsPolyRule()
    {
        // lr₀ = 0.01, 100 iterations, power 0.9. By hand: 0.5^0.9 = e^{0.9·ln 0.5} = e^{−0.623832} = 0.5358867;
        // 0.25^0.9 = e^{−1.247665} = 0.2871746; 0.9^0.9 = e^{−0.094824} = 0.9095326.
        var schedule = new PolyLearningRate(0.01, 100);
        Assert.AreEqual(0.01, schedule.LearningRateAt(0), 1e-12);
        Assert.AreEqual(0.009095326, schedule.LearningRateAt(10), 1e-9);
        Assert.AreEqual(0.005358867, schedule.LearningRateAt(50), 1e-9);
        Assert.AreEqual(0.002871746, schedule.LearningRateAt(75), 1e-9);
        Assert.AreEqual(0.0, schedule.LearningRateAt(100));
        Assert.AreEqual(0.0, schedule.LearningRateAt(250), "past the end the rate stays 0, not NaN");
        Assert.AreEqual(0.005358867, PolyLearningRate.Compute(0.01, 50, 100), 1e-9);
    }

    [TestMethod]
    public void PowerOneIsLinearDecay()
    {
        Assert.AreEqual(0.75, PolyLearningRate.Compute(1.0, 25, 100, power: 1.0), 1e-12);
        Assert.AreEqual(0.01, PolyLearningRate.Compute(1.0, 99, 100, power: 1.0), 1e-12);
    }

    [TestMethod]
    public void ApplySetsEveryGroupToItsOwnInitialRateTimesTheFactor()
    {
        torch.set_num_threads(1);
        using var scope = NewDisposeScope();
        var a = new TorchSharp.Modules.Parameter(zeros(2));
        var b = new TorchSharp.Modules.Parameter(zeros(2));
        using var optimizer = optim.AdamW(new[]
        {
            new TorchSharp.Modules.AdamW.ParamGroup(new[] { a }, lr: 1.0),
            new TorchSharp.Modules.AdamW.ParamGroup(new[] { b }, lr: 0.1),
        });
        var schedule = new PolyLearningRate(1.0, 100, power: 1.0);

        schedule.Apply(optimizer, 50);
        CollectionAssert.AreEqual(new[] { 0.5, 0.05 }, optimizer.ParamGroups.Select(g => Math.Round(g.LearningRate, 12)).ToArray());
        schedule.Apply(optimizer, 90);
        CollectionAssert.AreEqual(new[] { 0.1, 0.01 }, optimizer.ParamGroups.Select(g => Math.Round(g.LearningRate, 12)).ToArray());
    }

    [TestMethod]
    public void RejectsOutOfRangeArguments()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new PolyLearningRate(0.01, 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new PolyLearningRate(-1, 10));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new PolyLearningRate(0.01, 10, power: 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new PolyLearningRate(0.01, 10).LearningRateAt(-1));
    }
}
