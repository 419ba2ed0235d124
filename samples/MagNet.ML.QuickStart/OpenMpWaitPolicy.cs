using System.Runtime.InteropServices;

namespace MagNet.ML.QuickStart;

/// <summary>
/// libtorch's OpenMP threads spin while they wait for work by default. On a machine whose cores are busy with other
/// work that spinning makes a 2-thread step several times slower than a 1-thread one (measured in
/// bench/QUICKSTART-TUNING.md). A passive wait policy avoids the collapse. OpenMP reads it when libtorch loads, so it
/// is set in the process environment (not .NET's copy of it) before the first torch call; a value the user set wins.
/// </summary>
internal static class OpenMpWaitPolicy
{
    public static void PreferPassive()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null) return;
        _ = SetEnvironment("OMP_WAIT_POLICY", "PASSIVE", 0);
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnvironment([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}
