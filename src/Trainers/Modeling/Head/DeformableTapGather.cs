using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// The deformable-attention aggregation of <see cref="DeformableSampling"/> computed as one weighted gather: every
/// sampling point contributes its four bilinear taps, each weighted by attention weight × bilinear coefficient (0 for
/// a tap outside the map, which is grid_sample's zero padding), and an <c>embedding_bag</c> sums the weighted value
/// rows of each query and head in one bag. Unlike the grid_sample form it never materialises the per-point samples
/// ([N·heads, D, Lq, points] per level), which made the pixel decoder memory-bound. The tap coordinates are computed
/// with grid_sample's own formula (align_corners=false), so both forms agree to float rounding.
/// </summary>
/// <remarks>
/// Used when no gradient is required: the bag takes the values as its (frozen) weight table, which autograd cannot
/// differentiate through here.
/// </remarks>
internal static class DeformableTapGather
{
    /// <summary>Same contract as <see cref="DeformableSampling.Aggregate"/>.</summary>
    public static Tensor Aggregate(Tensor value, IReadOnlyList<(long Height, long Width)> spatialShapes, Tensor samplingLocations, Tensor attentionWeights)
    {
        using var scope = NewDisposeScope();
        long n = value.shape[0], rows = value.shape[1], heads = value.shape[2], headDim = value.shape[3];
        long queries = samplingLocations.shape[1], levels = samplingLocations.shape[3], points = samplingLocations.shape[4];
        long tableRows = n * heads * rows;
        var device = samplingLocations.device;
        var dtype = samplingLocations.dtype;
        // Row numbers are computed in floating point from the integer-valued tap coordinates: exact in float32 below 2^24.
        var rowType = tableRows < 1L << 24 ? ScalarType.Float32 : ScalarType.Float64;

        // Per (head, level, point) constants, shaped [heads, levels, points] so that they broadcast over the leading
        // (batch, query) axes: half the level size (grid_sample's scale), the level size, and the first table row of
        // the head's level (the table is [N·heads·S, D], rows ordered by batch, head, then position).
        long perQuery = heads * levels * points;
        var halfWidth = new double[perQuery];
        var halfHeight = new double[perQuery];
        var width = new double[perQuery];
        var height = new double[perQuery];
        var firstRow = new double[perQuery];
        for (int h = 0; h < heads; h++)
        {
            long start = 0;
            for (int l = 0; l < levels; l++)
            {
                var (levelHeight, levelWidth) = spatialShapes[l];
                for (int p = 0; p < points; p++)
                {
                    long k = (h * levels + l) * points + p;
                    halfWidth[k] = levelWidth / 2.0;
                    halfHeight[k] = levelHeight / 2.0;
                    width[k] = levelWidth;
                    height[k] = levelHeight;
                    firstRow[k] = h * rows + start;
                }
                start += levelHeight * levelWidth;
            }
        }
        Tensor Constant(double[] values, ScalarType type) => tensor(values, [heads, levels, points], device: device).to_type(type);
        var widths = Constant(width, dtype);
        var heights = Constant(height, dtype);
        var rowWidths = Constant(width, rowType);
        var firstRows = Constant(firstRow, rowType) + (arange(n, rowType, device) * (heads * rows)).view(n, 1, 1, 1, 1);

        // Pixel coordinates as grid_sample computes them: g = 2·loc − 1, then (g + 1)·size/2 − 0.5.
        var grid = 2 * samplingLocations - 1;
        var x = (grid.select(-1, 0) + 1).mul_(Constant(halfWidth, dtype)).sub_(0.5);   // [N, Lq, heads, levels, points]
        var y = (grid.select(-1, 1) + 1).mul_(Constant(halfHeight, dtype)).sub_(0.5);
        var left = x.floor();
        var top = y.floor();
        var fx = x.sub_(left);
        var fy = y.sub_(top);

        // Bilinear coefficient per axis and side, 0 where that side's tap lies outside the map (zero padding); the
        // attention weight is folded into the vertical ones.
        var wLeft = (1 - fx).mul_(left.ge(0).logical_and_(left.lt(widths)));
        var wRight = fx.mul_(left.ge(-1).logical_and_(left.lt(widths - 1)));
        var wTop = (1 - fy).mul_(attentionWeights).mul_(top.ge(0).logical_and_(top.lt(heights)));
        var wBottom = fy.mul_(attentionWeights).mul_(top.ge(-1).logical_and_(top.lt(heights - 1)));

        // The taps of a (batch, query, head) side by side — corner (top-left, top-right, bottom-left, bottom-right),
        // then level and point: [N, Lq, heads, 4, levels, points]. A tap outside the map has weight 0; clamping only
        // keeps its row inside the table (a NaN location reads row 0 with NaN weights: its output is NaN).
        var topLeft = (top.to_type(rowType) * rowWidths).add_(left.to_type(rowType)).add_(firstRows);
        var bottomLeft = topLeft + rowWidths;
        var tapRows = stack([topLeft, topLeft + 1, bottomLeft, bottomLeft + 1], 3)
            .nan_to_num_(0, 0, 0).clamp_(0, tableRows - 1).to_type(ScalarType.Int64);
        var tapWeights = stack([wTop * wLeft, wTop.mul_(wRight), wBottom * wLeft, wBottom.mul_(wRight)], 3).to_type(value.dtype);

        // One bag per (batch, query, head) over its 4 × levels × points taps: the output is already [N, Lq, heads·D].
        var table = value.permute(0, 2, 1, 3).reshape(tableRows, headDim);
        using var bag = nn.EmbeddingBag_from_pretrained(table, freeze: true, mode: EmbeddingBagMode.Sum);
        long taps = 4 * levels * points;
        var sums = bag.forward(tapRows.view(-1, taps), null, tapWeights.view(-1, taps));
        return sums.view(n, queries, heads * headDim).MoveToOuterDisposeScope();
    }
}
