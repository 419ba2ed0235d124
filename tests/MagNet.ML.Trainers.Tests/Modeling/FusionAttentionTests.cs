using MagNet.ML.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Tests.Modeling;

/// <summary>
/// The two pixel-word attentions against naive float64 loops written from the spec's formulas (§3.1, §3.2), with two
/// heads and a 0/1 mask (a case the parity fixture, which has one head and the quirk, does not cover).
/// </summary>
[TestClass]
public sealed class FusionAttentionTests
{
    private const int B = 2, T = 3, D = 4, HW = 5, C = 6, Heads = 2;
    private static readonly float[,] Mask = { { 1, 1, 0 }, { 1, 0, 0 } };

    [ClassInitialize]
    public static void Setup(TestContext _) => torch.set_num_threads(1);

    [TestMethod]
    public void LanguageSideAttentionWithA01MaskFollowsTheFormula()
    {
        torch.manual_seed(11);
        using var module = new LanguageImageAttention(D, C, D, D, D, Heads);
        var p = Parameters(module);
        var words = Random(B, T, D);
        var pixels = Random(B, HW, C);
        using var scope = NewDisposeScope();
        var queryMask = torch.tensor(Flatten(Mask), [B, 1, T]);
        var actual = Read(module.call(torch.tensor(Flatten(words), [B, T, D]), torch.tensor(Flatten(pixels), [B, HW, C]), queryMask));

        var expected = new double[B, T, D];
        for (int b = 0; b < B; b++)
        {
            var q = new double[T, D];
            for (int t = 0; t < T; t++)
                for (int k = 0; k < D; k++)
                    q[t, k] = (Conv(p["f_query.0.weight"], p["f_query.0.bias"], k, i => words[b, t, i], D)) * Mask[b, t];
            var key = InstanceNormRows(Project(p["f_key.0.weight"], p["f_key.0.bias"], D, HW, (n, c) => pixels[b, n, c], C));
            var value = InstanceNormRows(Project(p["f_value.0.weight"], p["f_value.0.bias"], D, HW, (n, c) => pixels[b, n, c], C));
            var attended = new double[T, D];
            int dk = D / Heads;
            for (int h = 0; h < Heads; h++)
                for (int t = 0; t < T; t++)
                {
                    var scores = new double[HW];
                    for (int n = 0; n < HW; n++)
                    {
                        double s = 0;
                        for (int j = 0; j < dk; j++) s += q[t, h * dk + j] * key[h * dk + j, n];
                        scores[n] = s / Math.Sqrt(D) + (1e4 * Mask[b, t] - 1e4);
                    }
                    var a = Softmax(scores);
                    for (int j = 0; j < dk; j++)
                        for (int n = 0; n < HW; n++) attended[t, h * dk + j] += a[n] * value[h * dk + j, n];
                }
            var projected = InstanceNormRows(Project(p["W.0.weight"], p["W.0.bias"], D, T, (t, v) => attended[t, v], D));
            for (int t = 0; t < T; t++)
                for (int o = 0; o < D; o++) expected[b, t, o] = projected[o, t];
        }
        AssertClose(expected, actual);
    }

    [TestMethod]
    public void ImageSideAttentionFollowsTheFormula()
    {
        torch.manual_seed(12);
        using var module = new ImageLanguageAttention(C, D, C, C, C, Heads);
        var p = Parameters(module);
        var pixels = Random(B, HW, C);
        var words = Random(B, D, T);
        using var scope = NewDisposeScope();
        var wordMask = torch.tensor(Flatten(Mask), [B, T, 1]);
        var actual = Read(module.call(torch.tensor(Flatten(pixels), [B, HW, C]), torch.tensor(Flatten(words), [B, D, T]), wordMask));

        var expected = new double[B, HW, C];
        int dk = C / Heads;
        for (int b = 0; b < B; b++)
        {
            var key = Project(p["f_key.0.weight"], p["f_key.0.bias"], C, T, (t, d) => words[b, d, t], D);
            var value = Project(p["f_value.0.weight"], p["f_value.0.bias"], C, T, (t, d) => words[b, d, t], D);
            for (int n = 0; n < HW; n++)
            {
                var q = LayerNorm(Linear(p["f_query.0.weight"], p["f_query.0.bias"], C, i => pixels[b, n, i], C), p["f_query.1.weight"], p["f_query.1.bias"]);
                var attended = new double[C];
                for (int h = 0; h < Heads; h++)
                {
                    var scores = new double[T];
                    for (int t = 0; t < T; t++)
                    {
                        double s = 0;
                        for (int j = 0; j < dk; j++) s += q[h * dk + j] * key[h * dk + j, t] * Mask[b, t];
                        scores[t] = s / Math.Sqrt(C) + (1e4 * Mask[b, t] - 1e4);
                    }
                    var a = Softmax(scores);
                    for (int j = 0; j < dk; j++)
                        for (int t = 0; t < T; t++) attended[h * dk + j] += a[t] * value[h * dk + j, t] * Mask[b, t];
                }
                var output = LayerNorm(Linear(p["W.0.weight"], p["W.0.bias"], C, i => attended[i], C), p["W.1.weight"], p["W.1.bias"]);
                for (int o = 0; o < C; o++) expected[b, n, o] = output[o];
            }
        }
        AssertClose(expected, actual);
    }

    /// <summary>The module's parameters as float64 arrays, LayerNorm affine parameters randomised first so they matter.</summary>
    private static Dictionary<string, double[]> Parameters(nn.Module module)
    {
        using (torch.no_grad())
            foreach (var (name, parameter) in module.named_parameters())
                if (parameter.dim() == 1 && name.Contains(".1.")) parameter.copy_(torch.rand_like(parameter) + 0.5);
        return module.state_dict().ToDictionary(e => e.Key, e => e.Value.to_type(ScalarType.Float64).data<double>().ToArray());
    }

    private static double Conv(double[] weight, double[] bias, int output, Func<int, double> input, int inputs)
    {
        double sum = bias[output];
        for (int i = 0; i < inputs; i++) sum += weight[output * inputs + i] * input(i);
        return sum;
    }

    private static double[] Linear(double[] weight, double[] bias, int outputs, Func<int, double> input, int inputs) =>
        Enumerable.Range(0, outputs).Select(o => Conv(weight, bias, o, input, inputs)).ToArray();

    /// <summary>[outputs, positions]: a 1×1 projection of every position.</summary>
    private static double[,] Project(double[] weight, double[] bias, int outputs, int positions, Func<int, int, double> input, int inputs)
    {
        var result = new double[outputs, positions];
        for (int o = 0; o < outputs; o++)
            for (int n = 0; n < positions; n++) result[o, n] = Conv(weight, bias, o, i => input(n, i), inputs);
        return result;
    }

    private static double[,] InstanceNormRows(double[,] x)
    {
        int rows = x.GetLength(0), cols = x.GetLength(1);
        var result = new double[rows, cols];
        for (int r = 0; r < rows; r++)
        {
            double mean = 0, variance = 0;
            for (int c = 0; c < cols; c++) mean += x[r, c] / cols;
            for (int c = 0; c < cols; c++) variance += (x[r, c] - mean) * (x[r, c] - mean) / cols;
            for (int c = 0; c < cols; c++) result[r, c] = (x[r, c] - mean) / Math.Sqrt(variance + 1e-5);
        }
        return result;
    }

    private static double[] LayerNorm(double[] x, double[] weight, double[] bias)
    {
        double mean = x.Average(), variance = x.Select(v => (v - mean) * (v - mean)).Average();
        return x.Select((v, i) => (v - mean) / Math.Sqrt(variance + 1e-5) * weight[i] + bias[i]).ToArray();
    }

    private static double[] Softmax(double[] scores)
    {
        double max = scores.Max();
        var e = scores.Select(s => Math.Exp(s - max)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    private static float[,,] Random(int a, int b, int c)
    {
        var values = torch.randn(a, b, c).data<float>().ToArray();
        var result = new float[a, b, c];
        Buffer.BlockCopy(values, 0, result, 0, values.Length * sizeof(float));
        return result;
    }

    private static float[] Flatten(Array array) => array.Cast<float>().ToArray();

    private static float[] Read(Tensor t) => t.data<float>().ToArray();

    private static void AssertClose(double[,,] expected, float[] actual)
    {
        var flat = expected.Cast<double>().ToArray();
        Assert.HasCount(flat.Length, actual);
        for (int i = 0; i < flat.Length; i++)
            Assert.AreEqual(flat[i], actual[i], 1e-4 * Math.Max(1, Math.Abs(flat[i])), $"element {i}");
    }
}
