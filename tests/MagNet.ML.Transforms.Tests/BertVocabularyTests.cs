using System.Security.Cryptography;

namespace MagNet.ML.Transforms.Tests;

[TestClass]
public sealed class BertVocabularyTests
{
    [TestMethod]
    public void EmbeddedVocabularyIsThePublishedBertBaseUncasedFile()
    {
        using var stream = BertVocabulary.OpenDefault();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        byte[] bytes = buffer.ToArray();

        // The published bert-base-uncased vocab.txt: 30,522 LF-terminated lines, md5 64800d5d8528ce344256daf115d4965e.
        Assert.AreEqual("64800d5d8528ce344256daf115d4965e", Convert.ToHexStringLower(MD5.HashData(bytes)));
        Assert.AreEqual(30522, bytes.Count(b => b == (byte)'\n'));
        Assert.AreEqual(BertVocabulary.DefaultSize, bytes.Count(b => b == (byte)'\n'));
    }

    [TestMethod]
    public void OpenWithMissingFileNamesTheFile()
    {
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => BertVocabulary.Open("/nonexistent/vocab.txt"));
        StringAssert.Contains(e.Message, "/nonexistent/vocab.txt");
    }
}
