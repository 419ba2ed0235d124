namespace MagNet.ML.Tests;

/// <summary>Locates tests/fixtures/refer-mini in the repository and makes scratch copies of it.</summary>
internal static class ReferMiniFixture
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "fixtures", "refer-mini");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/fixtures/refer-mini was not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The committed fixture (read only: never modify it).</summary>
    public static string RootPath => Root.Value;

    public static string ImageDirectory => Path.Combine(Root.Value, "images", "mscoco", "images", "train2014");

    public static string Expected(string name) => Path.Combine(Root.Value, "expected", name);

    /// <summary>A fresh copy of the fixture in a temporary folder, for tests that break files on purpose.</summary>
    public static TempDirectory Copy()
    {
        var temp = new TempDirectory();
        foreach (string file in Directory.EnumerateFiles(Root.Value, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(temp.Path, Path.GetRelativePath(Root.Value, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return temp;
    }
}

/// <summary>A temporary folder deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "magnet-data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string relative) => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
