using System.Reflection;
using MagNet.ML.Internal;
using Microsoft.ML;

namespace MagNet.ML.Onnx;

/// <summary>
/// The device an ONNX scoring request ends up asking for, with ML.NET's rule (as in <c>ApplyOnnxModel</c>): an
/// explicit GPU id wins; without one, the MLContext's <c>GpuDeviceId</c> and <c>FallbackToCpu</c> apply. The
/// context's values are read from the catalog's environment by reflection (ML.NET keeps them internal); when they
/// cannot be read only the explicit request counts.
/// </summary>
internal readonly record struct OnnxDeviceRequest(int? GpuDeviceId, bool FallbackToCpu)
{
    public static OnnxDeviceRequest Resolve(TransformsCatalog catalog, int? gpuDeviceId, bool fallbackToCpu)
    {
        if (gpuDeviceId is not null) return new OnnxDeviceRequest(gpuDeviceId, fallbackToCpu);
        var environment = CatalogEnvironment.Get(catalog);
        if (environment is null) return new OnnxDeviceRequest(null, fallbackToCpu);
        var type = environment.GetType();
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        object? ReadProperty(string name) =>
            (type.GetProperty(name, flags) ?? type.GetInterfaces().Select(i => i.GetProperty(name, flags)).FirstOrDefault(p => p is not null))?.GetValue(environment);
        try
        {
            if (ReadProperty("GpuDeviceId") is int contextGpu)
                return new OnnxDeviceRequest(contextGpu, ReadProperty("FallbackToCpu") is true);
        }
        catch (TargetInvocationException)
        {
        }
        return new OnnxDeviceRequest(null, fallbackToCpu);
    }
}
