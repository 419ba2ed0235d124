namespace MagNet.ML;

/// <summary>A row a reader left out because an option told it to skip bad rows, and why.</summary>
/// <param name="Row">The row: its id (the sentence id for REFER data) or, for JSONL, <c>line N</c>.</param>
/// <param name="Reason">What was wrong with it.</param>
public sealed record SkippedRow(string Row, string Reason);
