using Onnx;

namespace MagNet.ML.Export;

/// <summary>
/// Operator helpers of <see cref="OnnxGraphBuilder"/>: one method per ONNX operator (opset 16/17 forms), plus the
/// decompositions the exporter needs (linear layers, exact GELU, LayerNorm for opset 16, GroupNorm, bilinear resize to
/// a fixed spatial size with a dynamic batch).
/// </summary>
internal sealed partial class OnnxGraphBuilder
{
    /// <summary>Element-wise a + b (numpy broadcasting).</summary>
    public string Add(string a, string b) => Node("Add", [a, b]);

    /// <summary>Element-wise a − b.</summary>
    public string Sub(string a, string b) => Node("Sub", [a, b]);

    /// <summary>Element-wise a · b.</summary>
    public string Mul(string a, string b) => Node("Mul", [a, b]);

    /// <summary>Element-wise a / b.</summary>
    public string Div(string a, string b) => Node("Div", [a, b]);

    /// <summary>Element-wise a^b.</summary>
    public string Pow(string a, string b) => Node("Pow", [a, b]);

    /// <summary>Matrix product with numpy batching.</summary>
    public string MatMul(string a, string b) => Node("MatMul", [a, b]);

    /// <summary>Element-wise square root.</summary>
    public string Sqrt(string x) => Node("Sqrt", [x]);

    /// <summary>Element-wise error function.</summary>
    public string Erf(string x) => Node("Erf", [x]);

    /// <summary>Element-wise hyperbolic tangent.</summary>
    public string Tanh(string x) => Node("Tanh", [x]);

    /// <summary>Element-wise max(x, 0).</summary>
    public string Relu(string x) => Node("Relu", [x]);

    /// <summary>Element-wise logistic sigmoid.</summary>
    public string Sigmoid(string x) => Node("Sigmoid", [x]);

    /// <summary>Element-wise logical not.</summary>
    public string Not(string x) => Node("Not", [x]);

    /// <summary>Element-wise logical and.</summary>
    public string And(string a, string b) => Node("And", [a, b]);

    /// <summary>Element-wise a &lt; b (boolean).</summary>
    public string Less(string a, string b) => Node("Less", [a, b]);

    /// <summary>Element-wise condition ? x : y.</summary>
    public string Where(string condition, string x, string y) => Node("Where", [condition, x, y]);

    /// <summary>Converts the element type.</summary>
    public string Cast(string x, TensorProto.Types.DataType to) => Node("Cast", [x], Attr("to", (long)to));

    /// <summary>Softmax over one axis.</summary>
    public string Softmax(string x, long axis = -1) => Node("Softmax", [x], Attr("axis", axis));

    /// <summary>Permutes the axes.</summary>
    public string Transpose(string x, params long[] perm) => Node("Transpose", [x], Attr("perm", perm));

    /// <summary>Reshapes to <paramref name="shape"/> (0 copies the input dimension at that index, −1 is inferred).</summary>
    public string Reshape(string x, params long[] shape) => Node("Reshape", [x, Int64s(shape)]);

    /// <summary>Reshapes to the runtime shape held by the 1-D int64 value <paramref name="shape"/>.</summary>
    public string Reshape(string x, string shape) => Node("Reshape", [x, shape]);

    /// <summary>Concatenates along <paramref name="axis"/>.</summary>
    public string Concat(long axis, params string[] values) => Node("Concat", values, Attr("axis", axis));

    /// <summary>Slices <paramref name="x"/> along <paramref name="axes"/> (ends are exclusive; steps default to 1).</summary>
    public string Slice(string x, long[] starts, long[] ends, long[] axes, long[]? steps = null) =>
        steps is null
            ? Node("Slice", [x, Int64s(starts), Int64s(ends), Int64s(axes)])
            : Node("Slice", [x, Int64s(starts), Int64s(ends), Int64s(axes), Int64s(steps)]);

    /// <summary>Gathers entries of <paramref name="data"/> along <paramref name="axis"/> (a 0-D index drops the axis).</summary>
    public string Gather(string data, string indices, long axis = 0) => Node("Gather", [data, indices], Attr("axis", axis));

    /// <summary>Inserts size-1 axes.</summary>
    public string Unsqueeze(string x, params long[] axes) => Node("Unsqueeze", [x, Int64s(axes)]);

    /// <summary>Removes size-1 axes.</summary>
    public string Squeeze(string x, params long[] axes) => Node("Squeeze", [x, Int64s(axes)]);

    /// <summary>Mean over <paramref name="axes"/> (opset ≤ 17 form: axes as an attribute).</summary>
    public string ReduceMean(string x, long[] axes, bool keepDims = true) =>
        Node("ReduceMean", [x], Attr("axes", axes), Attr("keepdims", keepDims ? 1L : 0L));

    /// <summary>Minimum over <paramref name="axes"/> (opset ≤ 17 form).</summary>
    public string ReduceMin(string x, long[] axes, bool keepDims = true) =>
        Node("ReduceMin", [x], Attr("axes", axes), Attr("keepdims", keepDims ? 1L : 0L));

    /// <summary>Sum over <paramref name="axes"/> (opset ≥ 13 form: axes as an input).</summary>
    public string ReduceSum(string x, long[] axes, bool keepDims = true) =>
        Node("ReduceSum", [x, Int64s(axes)], Attr("keepdims", keepDims ? 1L : 0L));

    /// <summary>Zero padding; <paramref name="pads"/> lists the begin pads of every axis, then the end pads.</summary>
    public string Pad(string x, params long[] pads) => Node("Pad", [x, Int64s(pads)], Attr("mode", "constant"));

    /// <summary>Splits along <paramref name="axis"/> into parts of the given sizes.</summary>
    public string[] Split(string x, long axis, params long[] sizes) =>
        NodeOutputs("Split", [x, Int64s(sizes)], sizes.Length, Attr("axis", axis));

    /// <summary>The shape of <paramref name="x"/> as a 1-D int64 tensor.</summary>
    public string ShapeOf(string x) => Node("Shape", [x]);

    /// <summary>Repeats <paramref name="x"/> along each axis.</summary>
    public string Tile(string x, params long[] repeats) => Node("Tile", [x, Int64s(repeats)]);

    /// <summary>Broadcasts <paramref name="x"/> to the runtime shape <paramref name="shape"/>.</summary>
    public string Expand(string x, string shape) => Node("Expand", [x, shape]);

    /// <summary>
    /// Convolution (1-D or 2-D by the weight's rank) with zero padding <paramref name="pads"/> (begins then ends),
    /// <paramref name="strides"/> and <paramref name="group"/>; <paramref name="bias"/> may be null.
    /// </summary>
    public string Conv(string x, string weight, string? bias, long[] kernel, long[] strides, long[] pads, long[] dilations, long group = 1)
    {
        var inputs = bias is null ? new[] { x, weight } : new[] { x, weight, bias };
        return Node("Conv", inputs,
            Attr("kernel_shape", kernel), Attr("strides", strides), Attr("pads", pads), Attr("dilations", dilations), Attr("group", group));
    }

    /// <summary>Max-pooling with <paramref name="pads"/> (begins then ends) that never win (ONNX pads with −∞).</summary>
    public string MaxPool(string x, long[] kernel, long[] strides, long[] pads) =>
        Node("MaxPool", [x], Attr("kernel_shape", kernel), Attr("strides", strides), Attr("pads", pads));

    /// <summary>
    /// InstanceNormalization without affine parameters (scale 1, bias 0) over every axis after the channel axis of
    /// <paramref name="x"/> [B, <paramref name="channels"/>, ...].
    /// </summary>
    public string InstanceNorm(string x, long channels, float eps)
    {
        string ones = CachedConstant($"ones:{channels}", () => ConstantFloats("ones", Enumerable.Repeat(1f, (int)channels).ToArray(), channels));
        string zeros = CachedConstant($"zeros:{channels}", () => ConstantFloats("zeros", new float[channels], channels));
        return Node("InstanceNormalization", [x, ones, zeros], Attr("epsilon", eps));
    }

    /// <summary>grid_sample: bilinear sampling of <paramref name="x"/> [N, C, H, W] at <paramref name="grid"/> [N, Ho, Wo, 2] (x, y in [−1, 1]).</summary>
    public string GridSample(string x, string grid, bool alignCorners, string mode = "bilinear", string paddingMode = "zeros") =>
        Node("GridSample", [x, grid], Attr("align_corners", alignCorners ? 1L : 0L), Attr("mode", mode), Attr("padding_mode", paddingMode));

    /// <summary>
    /// Bilinear resize of the last two axes of a 4-D tensor with a dynamic batch to <paramref name="height"/> ×
    /// <paramref name="width"/>: <c>align_corners=True</c> or PyTorch's half-pixel rule (<c>align_corners=False</c>).
    /// </summary>
    public string ResizeBilinear(string x, long height, long width, bool alignCorners)
    {
        string leading = Slice(ShapeOf(x), [0], [2], [0]);
        string sizes = Concat(0, leading, Int64s(height, width));
        return Node("Resize", [x, "", "", sizes],
            Attr("mode", "linear"),
            Attr("coordinate_transformation_mode", alignCorners ? "align_corners" : "pytorch_half_pixel"));
    }

    /// <summary>
    /// torch.roll along one axis of static size <paramref name="size"/>: element i moves to (i + shift) mod size,
    /// written as two slices and a concatenation.
    /// </summary>
    public string Roll(string x, long shift, long axis, long size)
    {
        long k = ((shift % size) + size) % size;
        if (k == 0) return x;
        return Concat(axis, Slice(x, [size - k], [size], [axis]), Slice(x, [0], [size - k], [axis]));
    }

    /// <summary>
    /// The exact (erf) GELU, (x·0.5)·(1 + erf(x / √2)), written in the node pattern ONNX Runtime's Gelu fusion
    /// recognises (Div by √2, Erf, Add 1, Mul, with the x·0.5 branch), so the five nodes run as one fused kernel.
    /// </summary>
    public string Gelu(string x)
    {
        string erf = Erf(Div(x, Scalar((float)Math.Sqrt(2))));
        return Mul(Mul(x, Scalar(0.5f)), Add(erf, Scalar(1f)));
    }

    /// <summary><paramref name="x"/> · Wᵀ + b over the last axis, for a weight stored [out, in] as PyTorch's Linear.</summary>
    public string Linear(string x, string weight, string? bias)
    {
        string y = MatMul(x, Transpose(weight, 1, 0));
        return bias is null ? y : Add(y, bias);
    }

    /// <summary>
    /// LayerNorm over the last axis: LayerNormalization at opset 17; at opset 16 the decomposition
    /// (x − mean) / √(var + eps) · w + b with the biased variance.
    /// </summary>
    public string LayerNorm(string x, string weight, string bias, float eps)
    {
        if (Opset >= 17) return Node("LayerNormalization", [x, weight, bias], Attr("axis", -1L), Attr("epsilon", eps));
        string centered = Sub(x, ReduceMean(x, [-1]));
        string variance = ReduceMean(Mul(centered, centered), [-1]);
        string normalised = Div(centered, Sqrt(Add(variance, Scalar(eps))));
        return Add(Mul(normalised, weight), bias);
    }

    /// <summary>
    /// GroupNorm of <paramref name="x"/> [B, C, H, W] decomposed: reshape to [B, groups, −1], InstanceNormalization,
    /// reshape back, then the per-channel affine.
    /// </summary>
    public string GroupNorm(string x, long groups, long channels, long height, long width, string weight, string bias, float eps)
    {
        string grouped = Reshape(x, 0, groups, -1);
        string normalised = Reshape(InstanceNorm(grouped, groups, eps), 0, channels, height, width);
        return Add(Mul(normalised, Reshape(weight, channels, 1, 1)), Reshape(bias, channels, 1, 1));
    }
}
