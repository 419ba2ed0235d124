using MagNet.ML.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Head;

/// <summary>
/// The weighted-gather form of deformable sampling against libtorch's <c>grid_sample</c> form (an independent
/// implementation of bilinear sampling with zero padding), and the choice between them.
/// </summary>
[TestClass]
public sealed class DeformableTapGatherTests
{
    private static readonly (long Height, long Width)[] Levels = [(3, 4), (5, 2), (1, 1), (6, 6)];

    [ClassInitialize]
    public static void SingleThread(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    [DataRow(ScalarType.Float32, 2e-6)]
    [DataRow(ScalarType.Float64, 1e-12)]
    public void GatherEqualsGridSampleInsideOnAndOutsideTheMaps(ScalarType dtype, double tolerance)
    {
        using var scope = NewDisposeScope();
        var (value, locations, weights) = RandomInputs(batch: 2, queries: 7, heads: 3, headDim: 5, points: 3, dtype);
        var gathered = DeformableTapGather.Aggregate(value, Levels, locations, weights);
        var sampled = DeformableSampling.AggregateWithGridSample(value, Levels, locations, weights);
        CollectionAssert.AreEqual(new long[] { 2, 7, 15 }, gathered.shape);
        Assert.AreEqual(dtype, gathered.dtype);
        double diff = (gathered - sampled).abs().max().to_type(ScalarType.Float64).item<double>();
        Assert.IsLessThanOrEqualTo(tolerance, diff);
    }

    [TestMethod]
    public void TapsOnPixelCentresEdgesAndJustOutsideMatchGridSample()
    {
        using var scope = NewDisposeScope();
        // One head, one 3×4 level; x and y walk over centres, pixel edges, the map border and beyond it.
        float[] xs = [-0.26f, -0.125f, 0f, 0.125f, 0.25f, 0.5f, 0.875f, 1f, 1.125f, 1.3f];
        float[] ys = [-0.4f, -1f / 6, 0f, 1f / 6, 0.5f, 5f / 6, 1f, 7f / 6];
        var coordinates = xs.SelectMany(x => ys.SelectMany(y => new[] { x, y })).ToArray();
        long queries = xs.Length * ys.Length;
        var locations = tensor(coordinates, [1, queries, 1, 1, 1, 2]);
        var value = arange(12, ScalarType.Float32).add(1).view(1, 12, 1, 1);
        var weights = ones([1, queries, 1, 1, 1]);
        var gathered = DeformableTapGather.Aggregate(value, [(3, 4)], locations, weights);
        var sampled = DeformableSampling.AggregateWithGridSample(value, [(3, 4)], locations, weights);
        Assert.IsLessThanOrEqualTo(1e-6, (gathered - sampled).abs().max().item<float>());
        Assert.AreEqual(0f, gathered[0, 0, 0].item<float>(), "a point a full pixel outside reads only padding");
    }

    [TestMethod]
    public void ANaNLocationPoisonsOnlyItsOwnQuery()
    {
        using var scope = NewDisposeScope();
        var (value, locations, weights) = RandomInputs(batch: 1, queries: 3, heads: 2, headDim: 4, points: 2, ScalarType.Float32);
        locations[0, 1, 0, 2, 1, 0] = tensor(float.NaN);
        var output = DeformableTapGather.Aggregate(value, Levels, locations, weights);
        var nan = output.isnan();
        Assert.IsTrue(nan[0, 1, TensorIndex.Slice(0, 4)].all().item<bool>(), "head 0 of query 1 reads the NaN point");
        Assert.AreEqual(4L, nan.sum().item<long>(), "nothing else is NaN");
    }

    [TestMethod]
    public void GradientsFlowThroughGridSampleWhenAnInputRequiresThem()
    {
        using var scope = NewDisposeScope();
        var (value, locations, weights) = RandomInputs(batch: 1, queries: 5, heads: 2, headDim: 4, points: 2, ScalarType.Float32);
        Tensor reference;
        using (torch.no_grad()) reference = DeformableSampling.Aggregate(value, Levels, locations, weights);
        Assert.IsFalse(reference.requires_grad);

        value.requires_grad_(true);
        locations.requires_grad_(true);
        var output = DeformableSampling.Aggregate(value, Levels, locations, weights);
        Assert.IsTrue(output.requires_grad);
        output.square().sum().backward();
        Assert.IsNotNull(value.grad);
        Assert.IsNotNull(locations.grad);
        Assert.IsTrue(value.grad.abs().sum().item<float>() > 0);
        Assert.IsLessThanOrEqualTo(2e-6, (output.detach() - reference).abs().max().item<float>());
    }

    private static (Tensor Value, Tensor Locations, Tensor Weights) RandomInputs(long batch, long queries, long heads, long headDim, long points, ScalarType dtype)
    {
        var generator = new Generator(11);
        long rows = Levels.Sum(l => l.Height * l.Width), levels = Levels.Length;
        var value = randn([batch, rows, heads, headDim], generator: generator).to_type(dtype);
        // Mostly inside [0, 1], some up to 0.3 outside, so that border and padding taps occur.
        var locations = (rand([batch, queries, heads, levels, points, 2], generator: generator) * 1.6 - 0.3).to_type(dtype);
        var weights = randn([batch, queries, heads, levels * points], generator: generator).softmax(-1)
            .view(batch, queries, heads, levels, points).to_type(dtype);
        return (value, locations, weights);
    }
}
