using Microsoft.ML.Tokenizers;

namespace MagNet.ML;

/// <summary>
/// Tokenizes referring expressions the way LAVT and MagNet feed BERT: WordPiece with the bert-base-uncased rules
/// (<see cref="BertTokenizer"/>: lower-casing and accent stripping, punctuation split), <c>[CLS]</c> ids <c>[SEP]</c>,
/// then cut to <see cref="MaxTokens"/> (a long expression loses its <c>[SEP]</c>, as in LAVT), then padded with
/// <see cref="PaddingTokenId"/>. The attention mask is 1 for every kept token and 0 for padding.
/// Instances are immutable after construction.
/// </summary>
public sealed class ExpressionTokenizer
{
    /// <summary>The maximum number of tokens LAVT and MagNet use (20).</summary>
    public const int DefaultMaxTokens = 20;

    /// <summary>Creates a tokenizer over the embedded bert-base-uncased vocabulary (<see cref="BertVocabulary"/>).</summary>
    /// <param name="maxTokens">Length of every encoded sequence, special tokens included (at least 2).</param>
    public ExpressionTokenizer(int maxTokens = DefaultMaxTokens) : this(null, maxTokens)
    {
    }

    /// <summary>Creates a tokenizer over a vocabulary file, or the embedded one when <paramref name="vocabularyPath"/> is null.</summary>
    /// <param name="vocabularyPath">A BERT <c>vocab.txt</c> (one token per line, id = line index); null for bert-base-uncased.</param>
    /// <param name="maxTokens">Length of every encoded sequence, special tokens included (at least 2).</param>
    /// <param name="lowerCase">Lower-case and strip accents first (true for uncased vocabularies).</param>
    public ExpressionTokenizer(string? vocabularyPath, int maxTokens = DefaultMaxTokens, bool lowerCase = true)
    {
        if (maxTokens < 2)
            throw new ArgumentOutOfRangeException(nameof(maxTokens), $"At least 2 tokens ([CLS] and [SEP]) are needed, got {maxTokens}.");
        MaxTokens = maxTokens;
        LowerCase = lowerCase;
        VocabularyPath = vocabularyPath;

        byte[] vocabulary;
        using (var stream = BertVocabulary.Open(vocabularyPath))
        using (var buffer = new MemoryStream())
        {
            stream.CopyTo(buffer);
            vocabulary = buffer.ToArray();
        }
        VocabularySize = CountLines(vocabulary);
        string source = vocabularyPath ?? "the embedded bert-base-uncased vocabulary";
        try
        {
            Tokenizer = BertTokenizer.Create(new MemoryStream(vocabulary), new BertOptions
            {
                LowerCaseBeforeTokenization = lowerCase,
                RemoveNonSpacingMarks = lowerCase,
            });
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"'{source}' is not a usable BERT vocabulary: {e.Message}", e);
        }
    }

    /// <summary>The underlying Microsoft.ML.Tokenizers tokenizer.</summary>
    public BertTokenizer Tokenizer { get; }

    /// <summary>Length of every encoded sequence.</summary>
    public int MaxTokens { get; }

    /// <summary>Whether text is lower-cased and stripped of accents before WordPiece.</summary>
    public bool LowerCase { get; }

    /// <summary>The vocabulary file, or null for the embedded bert-base-uncased vocabulary.</summary>
    public string? VocabularyPath { get; }

    /// <summary>Number of entries (lines) in the vocabulary; 30,522 for bert-base-uncased.</summary>
    public int VocabularySize { get; }

    /// <summary>Id of <c>[CLS]</c> (101 in bert-base-uncased).</summary>
    public int ClassificationTokenId => Tokenizer.ClassificationTokenId;

    /// <summary>Id of <c>[SEP]</c> (102 in bert-base-uncased).</summary>
    public int SeparatorTokenId => Tokenizer.SeparatorTokenId;

    /// <summary>Id of <c>[PAD]</c> (0 in bert-base-uncased).</summary>
    public int PaddingTokenId => Tokenizer.PaddingTokenId;

    /// <summary>Id of <c>[MASK]</c> (103 in bert-base-uncased), for masked-token objectives.</summary>
    public int MaskingTokenId => Tokenizer.MaskingTokenId;

    /// <summary>Id of <c>[UNK]</c> (100 in bert-base-uncased).</summary>
    public int UnknownTokenId => Tokenizer.UnknownTokenId;

    /// <summary>Encodes <paramref name="expression"/> into new arrays of length <see cref="MaxTokens"/>.</summary>
    public (long[] Ids, long[] Mask) Encode(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var ids = new long[MaxTokens];
        var mask = new long[MaxTokens];
        Encode(expression.AsSpan(), ids, mask);
        return (ids, mask);
    }

    /// <summary>
    /// Encodes <paramref name="expression"/> into <paramref name="ids"/> and <paramref name="mask"/> (each of length
    /// <see cref="MaxTokens"/>) and returns the number of tokens kept (mask ones).
    /// </summary>
    public int Encode(ReadOnlySpan<char> expression, Span<long> ids, Span<long> mask)
    {
        if (ids.Length != MaxTokens || mask.Length != MaxTokens)
            throw new ArgumentException($"Token and mask buffers must hold {MaxTokens} values, got {ids.Length} and {mask.Length}.");
        IReadOnlyList<int> encoded = Tokenizer.EncodeToIds(expression, addSpecialTokens: true);
        int kept = Math.Min(encoded.Count, MaxTokens);
        for (int i = 0; i < kept; i++)
        {
            ids[i] = encoded[i];
            mask[i] = 1;
        }
        for (int i = kept; i < MaxTokens; i++)
        {
            ids[i] = PaddingTokenId;
            mask[i] = 0;
        }
        return kept;
    }

    private static int CountLines(byte[] text)
    {
        int lines = 0;
        foreach (byte b in text) if (b == (byte)'\n') lines++;
        if (text.Length > 0 && text[^1] != (byte)'\n') lines++;
        return lines;
    }
}
