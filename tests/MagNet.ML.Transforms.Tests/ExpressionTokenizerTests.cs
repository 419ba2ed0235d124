namespace MagNet.ML.Transforms.Tests;

/// <summary>
/// Expected ids were looked up by hand in bert-base-uncased vocab.txt (id = 0-based line index): [PAD] 0, [UNK] 100,
/// [CLS] 101, [SEP] 102, [MASK] 103, the 1996, red 2417, circle 4418, left 2187, of 1997, blue 2630, square 2675,
/// man 2158, on 2006, right 2157, small 2235, to 2000, big 2502, that 2008, is 2003, below 2917, green 2665,
/// triangle 9546, near 2379, yellow 3756, star 2732, cafe 7668, naive 15743, "," 1010, "." 1012, skate 17260,
/// ##board 6277, ##er 2121 ("skateboarder": no longer prefix than "skate" is in the vocabulary, and "##board" is the
/// longest "##" prefix of "boarder" that is).
/// </summary>
[TestClass]
public sealed class ExpressionTokenizerTests
{
    private static readonly ExpressionTokenizer Tokenizer = new();

    private static long[] Padded(int length, params long[] ids) => [.. ids, .. new long[length - ids.Length]];

    private static long[] Ones(int ones, int length) => [.. Enumerable.Repeat(1L, ones), .. new long[length - ones]];

    [TestMethod]
    public void EncodesTheOfficialFixtureSentences()
    {
        // tests/fixtures/official-parity-a/README.md, inputs: the ids the official tokenizer produced.
        var (ids, mask) = Tokenizer.Encode("the red circle left of the blue square");
        CollectionAssert.AreEqual(Padded(20, 101, 1996, 2417, 4418, 2187, 1997, 1996, 2630, 2675, 102), ids);
        CollectionAssert.AreEqual(Ones(10, 20), mask);

        (ids, mask) = Tokenizer.Encode("man on right");
        CollectionAssert.AreEqual(Padded(20, 101, 2158, 2006, 2157, 102), ids);
        CollectionAssert.AreEqual(Ones(5, 20), mask);
    }

    [TestMethod]
    public void LongExpressionIsCutToTwentyTokensAndLosesSep()
    {
        // 21 words, one token each: [CLS] + the first 19 words fill the 20 places; [SEP] is cut, as in LAVT.
        var (ids, mask) = Tokenizer.Encode(
            "the small red circle to the left of the big blue square that is below the green triangle near the yellow star");
        long[] expected = [101, 1996, 2235, 2417, 4418, 2000, 1996, 2187, 1997, 1996, 2502, 2630, 2675, 2008, 2003, 2917, 1996, 2665, 9546, 2379];
        CollectionAssert.AreEqual(expected, ids);
        CollectionAssert.AreEqual(Ones(20, 20), mask);
        CollectionAssert.DoesNotContain(ids, 102L);
    }

    [TestMethod]
    public void ExpressionOfExactlyTwentyTokensKeepsSep()
    {
        // [CLS] + 18 words + [SEP] = 20.
        var (ids, mask) = Tokenizer.Encode(
            "the small red circle to the left of the big blue square that is below the green triangle");
        Assert.AreEqual(102L, ids[19]);
        Assert.AreEqual(9546L, ids[18]);
        CollectionAssert.AreEqual(Ones(20, 20), mask);
    }

    [TestMethod]
    public void UpperCaseAndAccentsAreRemovedLikeHuggingFaceUncased()
    {
        var (ids, _) = Tokenizer.Encode("Café NAÏVE");
        CollectionAssert.AreEqual(Padded(20, 101, 7668, 15743, 102), ids);
    }

    [TestMethod]
    public void PunctuationIsSplitAndUnknownWordsBecomeWordPieces()
    {
        var (ids, _) = Tokenizer.Encode("man, left.");
        CollectionAssert.AreEqual(Padded(20, 101, 2158, 1010, 2187, 1012, 102), ids);

        (ids, _) = Tokenizer.Encode("skateboarder");
        CollectionAssert.AreEqual(Padded(20, 101, 17260, 6277, 2121, 102), ids);
    }

    [TestMethod]
    public void EmptyExpressionIsClsSep()
    {
        var (ids, mask) = Tokenizer.Encode("");
        CollectionAssert.AreEqual(Padded(20, 101, 102), ids);
        CollectionAssert.AreEqual(Ones(2, 20), mask);
    }

    [TestMethod]
    public void SpecialTokenIdsAndVocabularySizeComeFromTheVocabulary()
    {
        Assert.AreEqual(101, Tokenizer.ClassificationTokenId);
        Assert.AreEqual(102, Tokenizer.SeparatorTokenId);
        Assert.AreEqual(0, Tokenizer.PaddingTokenId);
        Assert.AreEqual(103, Tokenizer.MaskingTokenId);
        Assert.AreEqual(100, Tokenizer.UnknownTokenId);
        Assert.AreEqual(30522, Tokenizer.VocabularySize);
    }

    [TestMethod]
    public void OtherMaxTokensCutsAndPadsToThatLength()
    {
        var short4 = new ExpressionTokenizer(4);
        var (ids, mask) = short4.Encode("the red circle left");
        CollectionAssert.AreEqual(new long[] { 101, 1996, 2417, 4418 }, ids);
        CollectionAssert.AreEqual(new long[] { 1, 1, 1, 1 }, mask);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ExpressionTokenizer(1));
    }

    [TestMethod]
    public void UserVocabularyFileGivesItsOwnIds()
    {
        string folder = TestImages.TempFolder();
        try
        {
            string path = Path.Combine(folder, "vocab.txt");
            // id = line index.
            File.WriteAllLines(path, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "red", "circle", "##s", "left"]);
            var tokenizer = new ExpressionTokenizer(path, maxTokens: 8);
            var (ids, mask) = tokenizer.Encode("Red circles LEFT blue");
            CollectionAssert.AreEqual(new long[] { 2, 5, 6, 7, 8, 1, 3, 0 }, ids);
            CollectionAssert.AreEqual(new long[] { 1, 1, 1, 1, 1, 1, 1, 0 }, mask);
            Assert.AreEqual(9, tokenizer.VocabularySize);
            Assert.AreEqual(4, tokenizer.MaskingTokenId);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void MissingVocabularyFileIsNamed()
    {
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => new ExpressionTokenizer("/nonexistent/vocab.txt"));
        StringAssert.Contains(e.Message, "/nonexistent/vocab.txt");
    }
}
