namespace MagNet.ML;

/// <summary>One sentence of a REFER ref (<c>sentences[i]</c> of <c>refs(*.p)</c> / <c>grefs(*.json)</c>).</summary>
/// <param name="SentId">The sentence id (unique over the data set).</param>
/// <param name="Raw">The sentence as written by the annotator (<c>raw</c>); LAVT and MagNet tokenise this.</param>
/// <param name="Sent">REFER's lower-cased, cleaned sentence (<c>sent</c>).</param>
/// <param name="Tokens">REFER's tokens (<c>tokens</c>).</param>
public sealed record ReferSentence(long SentId, string Raw, string Sent, IReadOnlyList<string> Tokens);
