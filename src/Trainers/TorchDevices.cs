using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML;

/// <summary>Chooses the TorchSharp device from ML.NET-style options (<c>GpuDeviceId</c>, <c>FallbackToCpu</c>).</summary>
internal static class TorchDevices
{
    /// <summary>
    /// CUDA device <paramref name="gpuDeviceId"/> when it is set and CUDA is usable; otherwise the CPU when it is not
    /// set or <paramref name="fallbackToCpu"/> is true; otherwise an <see cref="InvalidOperationException"/>.
    /// </summary>
    public static Device Resolve(int? gpuDeviceId, bool fallbackToCpu)
    {
        TorchRuntime.EnsureLoaded();
        if (gpuDeviceId is not int id) return CPU;
        if (id < 0) throw new ArgumentOutOfRangeException(nameof(gpuDeviceId), id, "A CUDA device id cannot be negative.");
        if (cuda.is_available() && id < cuda.device_count()) return new Device(DeviceType.CUDA, id);
        if (fallbackToCpu) return CPU;
        throw new InvalidOperationException(
            $"CUDA device {id} was requested but is not available ({(cuda.is_available() ? $"{cuda.device_count()} device(s)" : "no CUDA runtime: the application references a CPU libtorch")}). " +
            "Set FallbackToCpu to run on the CPU instead.");
    }
}
