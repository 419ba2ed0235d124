using System.Globalization;

namespace MagNet.ML.Benchmarks;

/// <summary>The process's resident memory now and at its peak (VmRSS and VmHWM of /proc/self/status), in GB.</summary>
internal static class ProcessMemory
{
    public static (double Resident, double Peak) Read()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return (double.NaN, double.NaN);
        double Field(string name)
        {
            var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal));
            var kilobytes = line?.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
            return kilobytes is not null && double.TryParse(kilobytes, NumberStyles.None, CultureInfo.InvariantCulture, out double kb) ? kb / 1e6 : double.NaN;
        }
        return (Field("VmRSS"), Field("VmHWM"));
    }

    public static string Describe()
    {
        var (resident, peak) = Read();
        return $"resident {resident.ToString("F1", CultureInfo.InvariantCulture)} GB, peak {peak.ToString("F1", CultureInfo.InvariantCulture)} GB";
    }
}
