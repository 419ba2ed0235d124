using Microsoft.ML;
using Microsoft.ML.Data;

namespace MagNet.ML.Internal;

/// <summary>A column that an <see cref="IRowBatchMapper"/> appends to its input rows.</summary>
/// <param name="Name">Output column name (hides an input column of the same name).</param>
/// <param name="Type">Output column type.</param>
/// <param name="Annotations">Optional annotations of the column.</param>
internal sealed record AppendedColumn(string Name, DataViewType Type, DataViewSchema.Annotations? Annotations = null);
