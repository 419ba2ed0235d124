using MagNet.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Training;

[TestClass]
public sealed class MaskGroundingHeadTests
{
    private const int B = 2, T = 6, Dt = 6, C4 = 5, V = 11;

    [TestInitialize]
    public void SingleThread() => torch.set_num_threads(1);

    private static MaskGroundingOptions Tiny(MaskEncoderKind encoder = MaskEncoderKind.Convolutional,
        MaskTokenFusion fusion = MaskTokenFusion.AddToVisualTokens, bool tied = false, double dropout = 0.0) => new()
    {
        TextDimension = Dt, VisualDimension = C4, HiddenSize = 8, NumLayers = 2, NumHeads = 2, IntermediateSize = 16,
        VocabularySize = V, MaxTextTokens = T, GridSize = 2, MaskEncoderChannels = 4, MaskEncoder = encoder,
        MaskFusion = fusion, TieDecoderToWordEmbeddings = tied, HiddenDropout = dropout, AttentionDropout = dropout,
    };

    private sealed record Batch(Tensor Text, Tensor Attention, Tensor Visual, Tensor Mask, Tensor Targets);

    /// <summary>Row 0 has 5 tokens (positions 1 and 3 selected), row 1 has 3 tokens (position 1 selected).</summary>
    private static Batch MakeBatch(int seed)
    {
        var g = new Generator((ulong)seed);
        var text = randn(new long[] { B, T, Dt }, generator: g);
        var attention = tensor(new long[] { 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0 }, new long[] { B, T });
        var visual = randn(new long[] { B, C4, 3, 3 }, generator: g);
        var mask = zeros(B, 12, 12);
        mask[0, TensorIndex.Slice(0, 6), TensorIndex.Slice(0, 6)] = ones(6, 6);
        mask[1, TensorIndex.Slice(4, 12), TensorIndex.Slice(2, 9)] = ones(8, 7);
        var targets = tensor(new long[] { -1, 4, -1, 7, -1, -1, -1, 2, -1, -1, -1, -1 }, new long[] { B, T });
        return new Batch(text, attention, visual, mask, targets);
    }

    [TestMethod]
    public void CrossEntropyOfThreeTokensMatchesHandArithmetic()
    {
        using var scope = NewDisposeScope();
        // Token 1: logits (0, ln2, ln3) → softmax (1,2,3)/6, target 2 → −ln(3/6) = ln 2.
        // Token 2: logits (1, 1, 1) → softmax 1/3 each, target 0 → ln 3.
        // Token 3: target −1, ignored (its logits are huge so a mistake would show).
        // Mean over the two selected: (ln 2 + ln 3)/2 = ln(6)/2 = 0.895880.
        var logits = tensor(new float[] { 0, MathF.Log(2), MathF.Log(3), 1, 1, 1, 100, -100, 50 }, new long[] { 1, 3, 3 });
        var targets = tensor(new long[] { 2, 0, -1 }, new long[] { 1, 3 });
        var loss = MaskGroundingHead.MaskedTokenCrossEntropy(logits, targets);
        Assert.AreEqual(0.895880, loss.item<float>(), 1e-5);
    }

    [TestMethod]
    public void CrossEntropyWithNothingSelectedIsZeroWithZeroGradient()
    {
        using var scope = NewDisposeScope();
        var logits = randn(2, 3, 5).requires_grad_();
        var loss = MaskGroundingHead.MaskedTokenCrossEntropy(logits, full(new long[] { 2, 3 }, -1L));
        loss.backward();
        Assert.AreEqual(0f, loss.item<float>());
        Assert.IsTrue(logits.grad!.eq(0).all().item<bool>());
    }

    [TestMethod]
    public void LossEqualsCrossEntropyOfFullLogitsAtSelectedPositions()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var head = new MaskGroundingHead(Tiny());
        head.eval();
        var batch = MakeBatch(2);

        var loss = head.Loss(batch.Text, batch.Attention, batch.Visual, batch.Mask, batch.Targets).item<float>();
        var logits = head.PredictLogits(batch.Text, batch.Attention, batch.Visual, batch.Mask).data<float>().ToArray();

        // Independent path: logits of every position, log-softmax in double, mean NLL over the three targets.
        var targets = batch.Targets.data<long>().ToArray();
        double sum = 0; int count = 0;
        for (int position = 0; position < B * T; position++)
        {
            if (targets[position] < 0) continue;
            var row = logits.Skip(position * V).Take(V).Select(x => (double)x).ToArray();
            double max = row.Max();
            double logSumExp = max + Math.Log(row.Sum(x => Math.Exp(x - max)));
            sum += logSumExp - row[targets[position]];
            count++;
        }
        Assert.AreEqual(3, count);
        Assert.AreEqual(sum / count, loss, 1e-5);
    }

    [TestMethod]
    public void LossWithNothingSelectedIsZeroAndBackwardGivesZeroGradients()
    {
        using var scope = NewDisposeScope();
        using var head = new MaskGroundingHead(Tiny());
        var batch = MakeBatch(3);
        var loss = head.Loss(batch.Text, batch.Attention, batch.Visual, batch.Mask, full(new long[] { B, T }, -1L));
        loss.backward();
        Assert.AreEqual(0f, loss.item<float>());
        foreach (var (name, parameter) in head.named_parameters())
            Assert.IsTrue(parameter.grad is null || parameter.grad.eq(0).all().item<bool>(), name);
    }

    [TestMethod]
    [DataRow(MaskEncoderKind.Convolutional, MaskTokenFusion.AddToVisualTokens)]
    [DataRow(MaskEncoderKind.Pooled, MaskTokenFusion.AddToVisualTokens)]
    [DataRow(MaskEncoderKind.Convolutional, MaskTokenFusion.SeparateTokens)]
    [DataRow(MaskEncoderKind.Pooled, MaskTokenFusion.SeparateTokens)]
    public void GradientsAreFiniteAndReachTextVisualAndEveryParameter(MaskEncoderKind encoder, MaskTokenFusion fusion)
    {
        using var scope = NewDisposeScope();
        using var head = new MaskGroundingHead(Tiny(encoder, fusion, dropout: 0.1));
        head.train();
        var batch = MakeBatch(4);
        var text = batch.Text.requires_grad_();
        var visual = batch.Visual.requires_grad_();

        var loss = head.Loss(text, batch.Attention, visual, batch.Mask, batch.Targets);
        loss.backward();

        Assert.IsTrue(float.IsFinite(loss.item<float>()) && loss.item<float>() > 0);
        foreach (var (name, g) in new[] { ("text", text.grad!), ("visual", visual.grad!) })
        {
            Assert.IsTrue(g.isfinite().all().item<bool>(), name);
            Assert.IsTrue(g.abs().sum().item<float>() > 0, name);
        }
        foreach (var (name, parameter) in head.named_parameters())
        {
            Assert.IsNotNull(parameter.grad, name);
            Assert.IsTrue(parameter.grad.isfinite().all().item<bool>(), name);
        }
    }

    [TestMethod]
    [DataRow(MaskTokenFusion.AddToVisualTokens)]
    [DataRow(MaskTokenFusion.SeparateTokens)]
    public void PaddedTokensDoNotChangePredictionsAtRealTokens(MaskTokenFusion fusion)
    {
        using var scope = NewDisposeScope();
        using var head = new MaskGroundingHead(Tiny(fusion: fusion));
        head.eval();
        var batch = MakeBatch(5);
        var changed = batch.Text.clone();
        changed[0, 5] = full(Dt, 50f);               // row 0's pad position
        changed[1, TensorIndex.Slice(3, 6)] = full(3, Dt, -20f); // row 1's pad positions

        var before = head.PredictLogits(batch.Text, batch.Attention, batch.Visual, batch.Mask);
        var after = head.PredictLogits(changed, batch.Attention, batch.Visual, batch.Mask);

        Assert.IsTrue(before[0, TensorIndex.Slice(0, 5)].allclose(after[0, TensorIndex.Slice(0, 5)], rtol: 1e-5, atol: 1e-5));
        Assert.IsTrue(before[1, TensorIndex.Slice(0, 3)].allclose(after[1, TensorIndex.Slice(0, 3)], rtol: 1e-5, atol: 1e-5));
    }

    [TestMethod]
    [DataRow(MaskEncoderKind.Convolutional, MaskTokenFusion.AddToVisualTokens)]
    [DataRow(MaskEncoderKind.Pooled, MaskTokenFusion.SeparateTokens)]
    public void PredictionsDependOnTheGroundTruthMaskAndTheImage(MaskEncoderKind encoder, MaskTokenFusion fusion)
    {
        using var scope = NewDisposeScope();
        using var head = new MaskGroundingHead(Tiny(encoder, fusion));
        head.eval();
        var batch = MakeBatch(6);
        var reference = head.PredictLogits(batch.Text, batch.Attention, batch.Visual, batch.Mask);
        var again = head.PredictLogits(batch.Text, batch.Attention, batch.Visual, batch.Mask);
        var otherMask = head.PredictLogits(batch.Text, batch.Attention, batch.Visual, 1.0f - batch.Mask);
        var otherImage = head.PredictLogits(batch.Text, batch.Attention, batch.Visual.neg(), batch.Mask);

        // At BERT's initialisation attention is nearly uniform, so other tokens move the text logits only by ~1e-5
        // (logits are ~0.1); a repeated run differs by exactly 0, so 1e-6 separates "reaches" from "does not".
        CollectionAssert.AreEqual(new long[] { B, T, V }, reference.shape);
        Assert.AreEqual(0f, reference.sub(again).abs().max().item<float>());
        Assert.IsTrue(reference.sub(otherMask).abs().max().item<float>() > 1e-6, "the mask must reach the prediction");
        Assert.IsTrue(reference.sub(otherImage).abs().max().item<float>() > 1e-6, "the image must reach the prediction");

        var mask = batch.Mask.clone().requires_grad_();
        head.Loss(batch.Text, batch.Attention, batch.Visual, mask, batch.Targets).backward();
        Assert.IsTrue(mask.grad!.abs().sum().item<float>() > 0, "the loss must depend on the mask");
    }

    [TestMethod]
    public void TiedDecoderReadsTheSuppliedWordEmbeddings()
    {
        using var scope = NewDisposeScope();
        using var head = new MaskGroundingHead(Tiny(tied: true));
        var batch = MakeBatch(7);
        var wordEmbeddings = randn(V, Dt).requires_grad_();

        var loss = head.Loss(batch.Text, batch.Attention, batch.Visual, batch.Mask, batch.Targets, wordEmbeddings);
        loss.backward();

        Assert.IsTrue(wordEmbeddings.grad!.abs().sum().item<float>() > 0, "gradient must reach the encoder's embeddings");
        Assert.IsFalse(head.named_parameters().Any(p => p.name.Contains("decoder.weight")), "no untied decoder when tied");
        Assert.ThrowsExactly<ArgumentException>(() => head.Loss(batch.Text, batch.Attention, batch.Visual, batch.Mask, batch.Targets));
        Assert.ThrowsExactly<ArgumentException>(() => head.Loss(batch.Text, batch.Attention, batch.Visual, batch.Mask, batch.Targets, randn(V, Dt + 1)));
    }

    [TestMethod]
    public void AFewOptimizerStepsLowerTheLossOnAFixedBatch()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var head = new MaskGroundingHead(Tiny());
        var batch = MakeBatch(8);
        using var optimizer = optim.Adam(head.parameters(), lr: 1e-2);
        float first = 0, last = 0;
        for (int step = 0; step < 40; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = head.Loss(batch.Text, batch.Attention, batch.Visual, batch.Mask, batch.Targets);
            loss.backward();
            optimizer.step();
            if (step == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        // Untrained, the loss is about ln 11 = 2.40; three targets are easy to memorise.
        Assert.AreEqual(Math.Log(V), first, 0.3);
        Assert.IsTrue(last < first / 4, $"loss went from {first} to {last}");
    }

    [TestMethod]
    public void PredictorLayerHasBertBaseLayerParameterCount()
    {
        // One BERT-base layer (768 wide, 3072 FFN), by hand: Q,K,V,O = 4·(768·768 + 768) = 2,362,368;
        // FFN = 768·3072 + 3072 + 3072·768 + 768 = 4,722,432; two LayerNorms = 4·768 = 3,072. Total 7,087,872.
        using var layer = new MaskedTokenPredictorLayer(768, 12, 3072, 0.1, 0.1, 1e-12);
        Assert.AreEqual(7_087_872L, layer.parameters().Sum(p => p.numel()));
    }

    [TestMethod]
    public void DefaultOptionsBuildThePaperSizedPredictor()
    {
        // Per layer at 512 wide, 3072 FFN: 4·(512·512 + 512) + (512·3072 + 3072 + 3072·512 + 512) + 4·512
        // = 1,050,624 + 3,149,312 + 2,048 = 4,201,984; eight layers 33,615,872.
        // Untied decoder 512·30522 = 15,627,264 weights plus a 30,522 bias.
        using var head = new MaskGroundingHead(new MaskGroundingOptions());
        var named = head.named_parameters().ToList();
        Assert.AreEqual(33_615_872L, named.Where(p => p.name.StartsWith("layers.")).Sum(p => p.parameter.numel()));
        Assert.AreEqual(15_627_264L + 30_522L, named.Where(p => p.name.StartsWith("predictions.decoder") || p.name == "predictions.bias").Sum(p => p.parameter.numel()));
        Assert.AreEqual(20 + 16, head.Options.MaxPositions);
    }

    [TestMethod]
    public void RejectsMismatchedShapesAndTooManyTokens()
    {
        using var scope = NewDisposeScope();
        using var head = new MaskGroundingHead(Tiny());
        var batch = MakeBatch(9);
        Assert.ThrowsExactly<ArgumentException>(() => head.Loss(randn(B, T + 1, Dt), ones(B, T + 1), batch.Visual, batch.Mask, full(new long[] { B, T + 1 }, -1L)));
        Assert.ThrowsExactly<ArgumentException>(() => head.Loss(batch.Text, batch.Attention, randn(B, C4 + 1, 3, 3), batch.Mask, batch.Targets));
        Assert.ThrowsExactly<ArgumentException>(() => head.Loss(batch.Text, batch.Attention, batch.Visual, batch.Mask, batch.Targets.narrow(1, 0, 4)));
        Assert.ThrowsExactly<ArgumentException>(() => new MaskGroundingHead(new MaskGroundingOptions { HiddenSize = 10, NumHeads = 3 }));
    }
}
