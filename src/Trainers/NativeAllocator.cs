using System.Runtime.InteropServices;

namespace MagNet.ML;

/// <summary>
/// Settings of the C library's allocator for training on Linux. libtorch allocates and frees many short-lived
/// buffers in every step; with glibc's defaults the large ones go back to the kernel when freed (munmap, heap
/// trimming) and are page-faulted in again by the next step — about 4.7 million minor page faults in 40 quick-start
/// steps. Keeping freed memory for reuse halves those faults and makes a step about 6 % faster, for about 12 % more
/// resident memory that does not shrink after a peak (bench/QUICKSTART-TUNING.md).
/// It changes the whole process, so it is for applications to call (the quick start and <c>magnet train</c> do),
/// not something the trainer does on its own.
/// </summary>
public static class NativeAllocator
{
    /// <summary>Largest block still served from the heap instead of its own mapping: 32 MiB, glibc's maximum.</summary>
    public const int DefaultMmapThreshold = 32 << 20;

    /// <summary>Free memory at the top of the heap that is kept rather than given back: 512 MiB.</summary>
    public const int DefaultTrimThreshold = 512 << 20;

    /// <summary>Extra memory requested whenever the heap grows: 64 MiB.</summary>
    public const int DefaultTopPad = 64 << 20;

    private const int MallocTrimThreshold = -1, MallocTopPad = -2, MallocMmapThreshold = -3;

    /// <summary>
    /// Sets glibc's <c>M_MMAP_THRESHOLD</c>, <c>M_TRIM_THRESHOLD</c> and <c>M_TOP_PAD</c> (see <c>mallopt(3)</c>).
    /// Returns true when all three were applied; false on other systems or C libraries, where nothing changes.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is negative, or the mmap threshold exceeds 32 MiB.</exception>
    public static bool KeepFreedMemoryForReuse(int mmapThreshold = DefaultMmapThreshold, int trimThreshold = DefaultTrimThreshold, int topPad = DefaultTopPad)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(mmapThreshold);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(mmapThreshold, DefaultMmapThreshold);
        ArgumentOutOfRangeException.ThrowIfNegative(trimThreshold);
        ArgumentOutOfRangeException.ThrowIfNegative(topPad);
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return Mallopt(MallocMmapThreshold, mmapThreshold) == 1
                & Mallopt(MallocTrimThreshold, trimThreshold) == 1
                & Mallopt(MallocTopPad, topPad) == 1;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false; // a C library without mallopt
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int parameter, int value);
}
