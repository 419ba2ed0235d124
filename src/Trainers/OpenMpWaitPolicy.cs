using System.Runtime.InteropServices;

namespace MagNet.ML;

/// <summary>
/// libtorch's OpenMP threads spin while they wait for work by default. On a machine whose cores are busy with other
/// work that spinning makes a 2-thread step several times slower than a 1-thread one (bench/QUICKSTART-TUNING.md);
/// a passive wait policy avoids the collapse. OpenMP reads the policy once, when libtorch loads, so an application
/// calls this first thing, before any torch call. It changes the process environment, so it is for applications to
/// call (the quick start and <c>magnet</c> do), not something the trainer does on its own.
/// </summary>
public static class OpenMpWaitPolicy
{
    /// <summary>
    /// Sets <c>OMP_WAIT_POLICY=PASSIVE</c> in the process environment (the C library's, which OpenMP reads; .NET's
    /// copy does not see it) unless the variable is already set there: a value the user chose wins. Returns true when
    /// it was set by this call. Does nothing on systems other than Linux.
    /// </summary>
    public static bool PreferPassive()
    {
        if (!OperatingSystem.IsLinux() || Current is not null) return false;
        return SetEnvironment(Name, "PASSIVE", 0) == 0;
    }

    /// <summary>The variable as the C library sees it (null when unset or not on Linux).</summary>
    public static string? Current => OperatingSystem.IsLinux() ? Marshal.PtrToStringUTF8(GetEnvironment(Name)) : null;

    private const string Name = "OMP_WAIT_POLICY";

    [DllImport("libc", EntryPoint = "getenv")]
    private static extern IntPtr GetEnvironment([MarshalAs(UnmanagedType.LPUTF8Str)] string name);

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnvironment([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}
