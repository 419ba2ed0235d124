using TorchSharp;

namespace MagNet.ML;

/// <summary>Helpers around the TorchSharp native runtime used by the MagNet trainer.</summary>
public static class TorchRuntime
{
    /// <summary>
    /// Loads the native libtorch runtime and returns its description, or throws an <see cref="InvalidOperationException"/>
    /// that says which package is missing or why the native library could not be loaded.
    /// </summary>
    public static string EnsureLoaded()
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            return $"TorchSharp with libtorch {torch.__version__}, {torch.get_num_threads()} thread(s), CUDA available: {torch.cuda.is_available()}";
        }
        catch (Exception e) when (e is not InvalidOperationException)
        {
            throw new InvalidOperationException(
                "The TorchSharp native runtime could not be loaded. The application must reference a libtorch runtime " +
                "(MagNet.ML.Trainers brings libtorch-cpu-linux-x64 with MagNetTorchBackend=cpu) and, on systems whose " +
                "libstdc++ is older than GCC 13, keep the MagNet.ML.Trainers build targets that mark libLibTorchSharp's " +
                "GLIBCXX_3.4.32 need as weak. Inner error: " + e.Message, e);
        }
    }
}
