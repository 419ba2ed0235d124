using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Tests.Trainer;

/// <summary>
/// One tiny model trained once (4 steps on 8 synthetic rows) and shared by the inference and persistence tests, which
/// must not dispose it. Each call of <see cref="Train"/> makes a fresh one the caller owns.
/// </summary>
internal static class TrainedModel
{
    private static readonly Lazy<MagNetTransformer> SharedModel = new(() => Train(new MLContext(seed: 1)));

    /// <summary>The shared model (do not dispose).</summary>
    public static MagNetTransformer Shared => SharedModel.Value;

    /// <summary>Trains a fresh model with <see cref="TrainingData.Options"/> (after <paramref name="configure"/>).</summary>
    public static MagNetTransformer Train(MLContext ml, Action<MagNetTrainer.Options>? configure = null, int rows = 8)
    {
        var options = TrainingData.Options();
        options.Seed = 5;
        configure?.Invoke(options);
        return ml.Transforms.ReferringSegmentation(options).Fit(TrainingData.Synthetic(ml, rows));
    }

    /// <summary>Every row's predicted mask, probability map and score, read through a cursor of <paramref name="scored"/>.</summary>
    public static List<(byte[] Mask, float[] Probability, float Score)> Read(IDataView scored, string mask = "PredictedMask", string probability = "Probability", string score = "Score")
    {
        var rows = new List<(byte[], float[], float)>();
        var columns = new[] { scored.Schema[mask], scored.Schema[probability], scored.Schema[score] };
        using var cursor = scored.GetRowCursor(columns);
        var maskGetter = cursor.GetGetter<VBuffer<byte>>(columns[0]);
        var probabilityGetter = cursor.GetGetter<VBuffer<float>>(columns[1]);
        var scoreGetter = cursor.GetGetter<float>(columns[2]);
        VBuffer<byte> m = default;
        VBuffer<float> p = default;
        float s = 0;
        while (cursor.MoveNext())
        {
            maskGetter(ref m);
            probabilityGetter(ref p);
            scoreGetter(ref s);
            rows.Add((m.DenseValues().ToArray(), p.DenseValues().ToArray(), s));
        }
        return rows;
    }

    /// <summary>Asserts two prediction lists are exactly equal.</summary>
    public static void AssertSame(List<(byte[] Mask, float[] Probability, float Score)> expected, List<(byte[] Mask, float[] Probability, float Score)> actual, string what)
    {
        Assert.HasCount(expected.Count, actual, what);
        for (int i = 0; i < expected.Count; i++)
        {
            CollectionAssert.AreEqual(expected[i].Mask, actual[i].Mask, $"{what}: mask of row {i}");
            CollectionAssert.AreEqual(expected[i].Probability, actual[i].Probability, $"{what}: probability of row {i}");
            Assert.AreEqual(expected[i].Score, actual[i].Score, $"{what}: score of row {i}");
        }
    }
}
