namespace MagNet.ML.Benchmarks;

/// <summary>
/// bench/RESULTS.md: each benchmark command owns one section between <c>&lt;!-- NAME:begin --&gt;</c> and
/// <c>&lt;!-- NAME:end --&gt;</c> markers; writing replaces that section and keeps the rest of the file.
/// </summary>
internal static class ResultsFile
{
    /// <summary>bench/RESULTS.md of the repository that contains the current directory, or null outside one.</summary>
    public static string? DefaultPath()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MagNet.ML.sln"))) return Path.Combine(dir.FullName, "bench", "RESULTS.md");
        return null;
    }

    public static void WriteSection(string path, string name, string markdown)
    {
        string begin = $"<!-- {name}:begin -->", end = $"<!-- {name}:end -->";
        string block = $"{begin}\n{markdown.TrimEnd()}\n{end}";
        string text = File.Exists(path) ? File.ReadAllText(path) : "# MagNet.ML benchmark results\n";
        int start = text.IndexOf(begin, StringComparison.Ordinal);
        int stop = text.IndexOf(end, StringComparison.Ordinal);
        if (start >= 0 && stop > start)
            text = text[..start] + block + text[(stop + end.Length)..];
        else
            text = text.TrimEnd() + "\n\n" + block + "\n";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, text.EndsWith('\n') ? text : text + "\n");
    }
}
