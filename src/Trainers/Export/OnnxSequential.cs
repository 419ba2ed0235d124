using MagNet.ML.Modeling;
using TorchSharp.Modules;

namespace MagNet.ML.Export;

/// <summary>
/// Emits the layers of a TorchSharp <see cref="Sequential"/> in order, children named <c>prefix.{index}</c> as in the
/// state dict: Linear, Conv1d/Conv2d, LayerNorm, exact GELU, ReLU, Tanh, Dropout (the identity at inference),
/// <see cref="LayerNorm2d"/> and <see cref="InstanceNormWithoutAffine"/>.
/// </summary>
internal static class OnnxSequential
{
    /// <summary>Emits children <paramref name="start"/>.. of <paramref name="sequence"/> on <paramref name="x"/>.</summary>
    /// <exception cref="NotSupportedException">A child of another type.</exception>
    public static string Emit(OnnxGraphBuilder g, Sequential sequence, string prefix, string x, int start = 0)
    {
        long channels = -1;
        for (int i = start; i < sequence.Count; i++)
        {
            string name = $"{prefix}.{i}";
            switch (sequence[i])
            {
                case Linear linear:
                    x = g.Linear(x, linear, name);
                    channels = linear.out_features;
                    break;
                case Convolution conv:
                    x = g.Conv(x, conv, name);
                    channels = conv.out_channels;
                    break;
                case LayerNorm norm:
                    x = g.LayerNorm(x, norm, name);
                    break;
                case GELU gelu when gelu.approximate.ToString().Equals("none", StringComparison.OrdinalIgnoreCase):
                    x = g.Gelu(x);
                    break;
                case ReLU:
                    x = g.Relu(x);
                    break;
                case Tanh:
                    x = g.Tanh(x);
                    break;
                case Dropout:
                    break;
                case LayerNorm2d norm2d:
                    x = norm2d.EmitOnnx(g, name, x);
                    break;
                case InstanceNormWithoutAffine instanceNorm when channels > 0:
                    x = instanceNorm.EmitOnnx(g, x, channels);
                    break;
                default:
                    throw new NotSupportedException($"ONNX export of '{name}': a {sequence[i].GetType().Name} in a Sequential is not supported here.");
            }
        }
        return x;
    }
}
