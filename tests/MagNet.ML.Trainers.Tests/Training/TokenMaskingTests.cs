using MagNet.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Training;

[TestClass]
public sealed class TokenMaskingTests
{
    private const long Cls = 101, Sep = 102, Pad = 0, Mask = 103;

    [TestInitialize]
    public void SingleThread() => torch.set_num_threads(1);

    /// <summary>Sentences "[CLS] w… [SEP] [PAD]…" of random length 3..T with word ids in [1000, 30000).</summary>
    private static (long[] Ids, long[] Attention) RandomBatch(int batch, int tokens, int seed)
    {
        var random = new Random(seed);
        var ids = new long[batch * tokens];
        var attention = new long[batch * tokens];
        for (int b = 0; b < batch; b++)
        {
            int length = random.Next(3, tokens + 1);
            for (int t = 0; t < length; t++)
            {
                ids[b * tokens + t] = t == 0 ? Cls : t == length - 1 ? Sep : random.Next(1000, 30000);
                attention[b * tokens + t] = 1;
            }
        }
        return (ids, attention);
    }

    private static long CountEligible(long[] ids, long[] attention) =>
        ids.Where((id, i) => attention[i] != 0 && id != Cls && id != Sep && id != Pad && id != Mask).LongCount();

    [TestMethod]
    public void SelectsFifteenPercentOfEligibleTokensAndMasksNinetyPercentOfThem()
    {
        using var scope = NewDisposeScope();
        const int B = 4000, T = 20;
        var (ids, attention) = RandomBatch(B, T, seed: 1);
        var masking = new TokenMasking { EnsureAtLeastOne = false };
        var result = masking.Apply(tensor(ids, new long[] { B, T }), tensor(attention, new long[] { B, T }), new Generator(7));

        var selected = result.Selected.data<bool>().ToArray();
        var masked = result.InputIds.data<long>().ToArray();
        double eligible = CountEligible(ids, attention);        // ≈ 38,000 tokens
        double chosen = selected.Count(s => s);
        double toMask = selected.Where((s, i) => s && masked[i] == Mask).Count();
        double kept = selected.Where((s, i) => s && masked[i] == ids[i]).Count();

        // Binomial standard deviations: sqrt(.15·.85/38000) ≈ 0.0018, sqrt(.9·.1/5700) ≈ 0.004; tolerances are > 4σ.
        Assert.AreEqual(0.15, chosen / eligible, 0.01);
        Assert.AreEqual(0.9, toMask / chosen, 0.02);
        Assert.AreEqual(0.1, kept / chosen, 0.02);
    }

    [TestMethod]
    public void RandomReplacementFollowsItsProbability()
    {
        using var scope = NewDisposeScope();
        const int B = 3000, T = 20;
        var (ids, attention) = RandomBatch(B, T, seed: 2);
        var masking = new TokenMasking { MaskProbability = 0.5, ReplaceWithMaskProbability = 0.3, ReplaceWithRandomProbability = 0.5, EnsureAtLeastOne = false };
        var result = masking.Apply(tensor(ids, new long[] { B, T }), tensor(attention, new long[] { B, T }), new Generator(3));

        var selected = result.Selected.data<bool>().ToArray();
        var masked = result.InputIds.data<long>().ToArray();
        double chosen = selected.Count(s => s);
        double toMask = selected.Where((s, i) => s && masked[i] == Mask).Count();
        double kept = selected.Where((s, i) => s && masked[i] == ids[i]).Count();
        double replaced = selected.Where((s, i) => s && masked[i] != Mask && masked[i] != ids[i]).Count();
        // A random id equals the original or [MASK] with probability ≈ 2/30522: negligible at this tolerance.
        Assert.AreEqual(0.5, chosen / CountEligible(ids, attention), 0.02);
        Assert.AreEqual(0.3, toMask / chosen, 0.02);
        Assert.AreEqual(0.5, replaced / chosen, 0.02);
        Assert.AreEqual(0.2, kept / chosen, 0.02);
        Assert.IsTrue(masked.All(id => id >= 0 && id < 30522));
    }

    [TestMethod]
    public void SpecialPadAndUnattendedTokensAreNeverSelected()
    {
        using var scope = NewDisposeScope();
        // Row 0: [CLS] 2000 [MASK] 2001 [SEP] [PAD]; row 1: [CLS] 2002 [SEP] then 2003 with attention 0 (not a token).
        var ids = tensor(new long[] { Cls, 2000, Mask, 2001, Sep, Pad, Cls, 2002, Sep, 2003, Pad, Pad }, new long[] { 2, 6 });
        var attention = tensor(new long[] { 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0 }, new long[] { 2, 6 });
        var masking = new TokenMasking { MaskProbability = 1.0, ReplaceWithMaskProbability = 1.0 };

        var result = masking.Apply(ids, attention, new Generator(5));

        // Every eligible token (2000, 2001, 2002) is selected and becomes [MASK]; nothing else changes.
        CollectionAssert.AreEqual(new[] { false, true, false, true, false, false, false, true, false, false, false, false },
            result.Selected.data<bool>().ToArray());
        CollectionAssert.AreEqual(new long[] { Cls, Mask, Mask, Mask, Sep, Pad, Cls, Mask, Sep, 2003, Pad, Pad },
            result.InputIds.data<long>().ToArray());
        CollectionAssert.AreEqual(new long[] { -1, 2000, -1, 2001, -1, -1, -1, 2002, -1, -1, -1, -1 },
            result.Targets.data<long>().ToArray());
    }

    [TestMethod]
    public void SameSeedGivesSameMaskingAndAnotherSeedDiffers()
    {
        using var scope = NewDisposeScope();
        var (idArray, attentionArray) = RandomBatch(64, 20, seed: 3);
        var ids = tensor(idArray, new long[] { 64, 20 });
        var attention = tensor(attentionArray, new long[] { 64, 20 });
        var masking = new TokenMasking { ReplaceWithRandomProbability = 0.05 };

        var first = masking.Apply(ids, attention, new Generator(11));
        var second = masking.Apply(ids, attention, new Generator(11));
        var other = masking.Apply(ids, attention, new Generator(12));

        CollectionAssert.AreEqual(first.InputIds.data<long>().ToArray(), second.InputIds.data<long>().ToArray());
        CollectionAssert.AreEqual(first.Targets.data<long>().ToArray(), second.Targets.data<long>().ToArray());
        CollectionAssert.AreNotEqual(first.Targets.data<long>().ToArray(), other.Targets.data<long>().ToArray());
        CollectionAssert.AreEqual(idArray, ids.data<long>().ToArray(), "the input must not be modified");
    }

    [TestMethod]
    public void EnsureAtLeastOneSelectsOneEligibleTokenUniformly()
    {
        using var scope = NewDisposeScope();
        // 4000 copies of "[CLS] a b c d [SEP]" and one "[CLS] [SEP]" row; with MaskProbability 0 only the forced
        // pick selects, so each row gets exactly one of its four words, each word ≈ 1000 times (σ ≈ 27).
        const int Rows = 4001, T = 6;
        var ids = new long[Rows * T];
        var attention = new long[Rows * T];
        for (int r = 0; r < Rows - 1; r++)
        {
            long[] row = { Cls, 2000, 2001, 2002, 2003, Sep };
            Array.Copy(row, 0, ids, r * T, T);
            for (int t = 0; t < T; t++) attention[r * T + t] = 1;
        }
        ids[(Rows - 1) * T] = Cls; ids[(Rows - 1) * T + 1] = Sep;
        attention[(Rows - 1) * T] = 1; attention[(Rows - 1) * T + 1] = 1;
        var masking = new TokenMasking { MaskProbability = 0.0 };

        var selected = masking.Apply(tensor(ids, new long[] { Rows, T }), tensor(attention, new long[] { Rows, T }), new Generator(9))
            .Selected.data<bool>().ToArray();

        var perPosition = new int[T];
        for (int r = 0; r < Rows - 1; r++)
        {
            Assert.AreEqual(1, Enumerable.Range(0, T).Count(t => selected[r * T + t]), $"row {r}");
            for (int t = 0; t < T; t++) if (selected[r * T + t]) perPosition[t]++;
        }
        Assert.AreEqual(0, perPosition[0]);
        Assert.AreEqual(0, perPosition[5]);
        for (int t = 1; t <= 4; t++) Assert.AreEqual(1000, perPosition[t], 150, $"position {t}");
        Assert.IsFalse(Enumerable.Range(0, T).Any(t => selected[(Rows - 1) * T + t]), "a sentence without words has nothing to select");
    }

    [TestMethod]
    public void WithoutEnsureAtLeastOneNothingIsForced()
    {
        using var scope = NewDisposeScope();
        var (ids, attention) = RandomBatch(50, 20, seed: 4);
        var masking = new TokenMasking { MaskProbability = 0.0, EnsureAtLeastOne = false };
        var result = masking.Apply(tensor(ids, new long[] { 50, 20 }), tensor(attention, new long[] { 50, 20 }), new Generator(1));
        Assert.IsFalse(result.Selected.any().item<bool>());
        Assert.IsTrue(result.Targets.eq(TokenMasking.IgnoreIndex).all().item<bool>());
    }

    [TestMethod]
    public void RejectsWrongTypesShapesAndProbabilities()
    {
        using var scope = NewDisposeScope();
        var ids = tensor(new long[] { Cls, 2000, Sep }, new long[] { 1, 3 });
        var attention = ones(1, 3, ScalarType.Int64);
        var generator = new Generator(1);
        Assert.ThrowsExactly<ArgumentException>(() => new TokenMasking().Apply(ids.to_type(ScalarType.Int32), attention, generator));
        Assert.ThrowsExactly<ArgumentException>(() => new TokenMasking().Apply(ids, ones(1, 2, ScalarType.Int64), generator));
        Assert.ThrowsExactly<ArgumentException>(() => new TokenMasking { MaskProbability = 1.5 }.Apply(ids, attention, generator));
        Assert.ThrowsExactly<ArgumentException>(() =>
            new TokenMasking { ReplaceWithMaskProbability = 0.8, ReplaceWithRandomProbability = 0.3 }.Apply(ids, attention, generator));
    }
}
