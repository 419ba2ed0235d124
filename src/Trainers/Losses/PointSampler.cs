using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MagNet.ML.Training;

/// <summary>Mask2Former's point sampling: reading maps at continuous points, and choosing uncertain points.</summary>
internal static class PointSampler
{
    /// <summary>
    /// Reads <paramref name="input"/> [N,C,H,W] bilinearly at <paramref name="points"/> [N,P,2], given as (x, y) in
    /// [0,1] relative to the map's extent (pixel j's centre is at (j + 0.5) / size; align_corners = false, zero
    /// padding). Returns [N,C,P].
    /// </summary>
    public static Tensor Sample(Tensor input, Tensor points)
    {
        using var scope = NewDisposeScope();
        var grid = points.mul(2.0).sub(1.0).unsqueeze(2);                                          // [N,P,1,2]
        var values = F.grid_sample(input, grid.to_type(input.dtype), align_corners: false);        // [N,C,P,1]
        return values.squeeze(3).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Chooses <paramref name="numPoints"/> points per map: ⌊importance·numPoints⌋ with the smallest |logit| among
    /// ⌊oversample·numPoints⌋ uniform candidates, the rest uniform. <paramref name="logits"/> is [N,1,H,W]; returns
    /// [N,numPoints,2] without gradient.
    /// </summary>
    public static Tensor UncertainPoints(Tensor logits, int numPoints, double oversampleRatio, double importanceSampleRatio, Generator? generator)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long n = logits.shape[0];
        long candidates = (long)(numPoints * oversampleRatio);
        long uncertain = (long)(importanceSampleRatio * numPoints);
        long random = numPoints - uncertain;
        var device = logits.device;
        var candidatePoints = rand(new[] { n, candidates, 2 }, ScalarType.Float32, generator?.device, generator: generator).to(device);
        var uncertainty = Sample(logits.detach(), candidatePoints).select(1, 0).abs().neg();      // [N,candidates]
        var chosen = new List<Tensor>();
        if (uncertain > 0)
        {
            var index = uncertainty.topk((int)uncertain, dim: 1).indexes;                          // [N,uncertain]
            chosen.Add(candidatePoints.gather(1, index.unsqueeze(2).expand(n, uncertain, 2)));
        }
        if (random > 0)
            chosen.Add(rand(new[] { n, random, 2 }, ScalarType.Float32, generator?.device, generator: generator).to(device));
        return cat(chosen, 1).MoveToOuterDisposeScope();
    }
}
