using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>The transformer decoder layers' initialisation: Xavier-uniform for every parameter with more than one dimension.</summary>
internal static class DecoderInitialization
{
    public static void XavierMatrices(nn.Module module)
    {
        using var noGrad = no_grad();
        foreach (var (_, parameter) in module.named_parameters())
            if (parameter.dim() > 1) nn.init.xavier_uniform_(parameter);
    }
}
