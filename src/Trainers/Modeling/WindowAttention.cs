using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// Swin window multi-head self-attention with a learned relative position bias: parameters
/// <c>relative_position_bias_table</c> [(2w−1)², heads], <c>qkv</c>, <c>proj</c>, and the persistent buffer
/// <c>relative_position_index</c> [w², w²] (int64) that picks a table row for every pair of window positions.
/// </summary>
public sealed partial class WindowAttention : nn.Module<Tensor, Tensor?, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    private readonly Parameter relative_position_bias_table;
    private readonly Tensor relative_position_index;
    private readonly Linear qkv;
    private readonly Dropout attn_drop;
    private readonly Linear proj;
    private readonly Dropout proj_drop;
#pragma warning restore IDE1006
    private readonly int numHeads;
    private readonly double scale;

    /// <summary>Creates the attention for windows of <paramref name="windowSize"/>² tokens of width <paramref name="dim"/>.</summary>
    public WindowAttention(int dim, int windowSize, int numHeads, bool qkvBias, double? qkScale, double attnDrop, double projDrop)
        : base(nameof(WindowAttention))
    {
        this.numHeads = numHeads;
        scale = qkScale ?? Math.Pow(dim / numHeads, -0.5);
        relative_position_bias_table = new Parameter(torch.zeros((2 * windowSize - 1) * (2 * windowSize - 1), numHeads));
        relative_position_index = RelativePositionIndex(windowSize);
        qkv = nn.Linear(dim, dim * 3, hasBias: qkvBias);
        attn_drop = nn.Dropout(attnDrop);
        proj = nn.Linear(dim, dim);
        proj_drop = nn.Dropout(projDrop);
        RegisterComponents();
        using (torch.no_grad()) TruncatedNormal.Fill(relative_position_bias_table, std: 0.02);
    }

    /// <summary>
    /// The table row of every (query, key) pair of a window: for positions (h1, w1) and (h2, w2) in row-major order,
    /// (h1 − h2 + w − 1)·(2w − 1) + (w1 − w2 + w − 1).
    /// </summary>
    public static Tensor RelativePositionIndex(int windowSize)
    {
        using var scope = NewDisposeScope();
        var coords = torch.arange(windowSize, dtype: ScalarType.Int64);
        var grid = torch.meshgrid([coords, coords], indexing: "ij");
        var flat = torch.stack([grid[0].flatten(), grid[1].flatten()]);              // [2, w²]
        var relative = (flat.unsqueeze(2) - flat.unsqueeze(1)).permute(1, 2, 0);   // [w², w², 2]
        var rows = (relative[TensorIndex.Ellipsis, 0] + (windowSize - 1)) * (2 * windowSize - 1);
        var cols = relative[TensorIndex.Ellipsis, 1] + (windowSize - 1);
        return (rows + cols).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Attends within each window. <paramref name="x"/>: [windows·B, N, C]; <paramref name="mask"/>: null or
    /// [windows, N, N] additive (0 / −100) mask of the shifted windows.
    /// </summary>
    public override Tensor forward(Tensor x, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        long batchWindows = x.shape[0], n = x.shape[1], c = x.shape[2];
        var qkvOut = qkv.call(x).reshape(batchWindows, n, 3, numHeads, c / numHeads).permute(2, 0, 3, 1, 4);
        var q = qkvOut[0] * scale;
        var k = qkvOut[1];
        var v = qkvOut[2];
        var attention = q.matmul(k.transpose(-2, -1));
        var bias = relative_position_bias_table.index_select(0, relative_position_index.view(-1))
            .view(n, n, -1).permute(2, 0, 1).contiguous();
        // In place: the score tensor is the largest temporary of the block (33 MB per window set at 480², stage 1),
        // and each fresh copy costs an allocation and page faults; the product's backward does not need it.
        attention.add_(bias.unsqueeze(0));
        if (mask is not null)
        {
            long windows = mask.shape[0];
            attention.view(batchWindows / windows, windows, numHeads, n, n).add_(mask.unsqueeze(1).unsqueeze(0));
        }
        attention = attn_drop.call(attention.softmax(-1));
        var result = attention.matmul(v).transpose(1, 2).reshape(batchWindows, n, c);
        return proj_drop.call(proj.call(result)).MoveToOuterDisposeScope();
    }
}
