using MagNet.ML.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MagNet.ML;

/// <summary>
/// Tokenizes a text column of referring expressions with <see cref="ExpressionTokenizer"/> (bert-base-uncased
/// WordPiece, LAVT's rule: special tokens, cut to <see cref="Options.MaxTokens"/>, pad with 0).
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Column</term><description>Type</description></listheader>
/// <item><term>input <see cref="Options.InputColumnName"/></term><description>text (String)</description></item>
/// <item><term>output <see cref="Options.OutputColumnName"/></term><description>vector of Int64, size MaxTokens: token ids</description></item>
/// <item><term>output <see cref="Options.AttentionMaskColumnName"/></term><description>vector of Int64, size MaxTokens: 1 = token, 0 = padding</description></item>
/// </list>
/// Created by <c>mlContext.Transforms.TokenizeReferringExpression(...)</c>. Fitting learns nothing; it checks the schema.
/// </remarks>
public sealed class ExpressionTokenizingEstimator : IEstimator<ExpressionTokenizingTransformer>
{
    /// <summary>Settings of <see cref="ExpressionTokenizingEstimator"/>.</summary>
    public sealed class Options
    {
        /// <summary>Text column holding the expression. Default <c>Expression</c>.</summary>
        public string InputColumnName = ReferringColumnNames.Expression;

        /// <summary>Output column of token ids (vector of Int64, size <see cref="MaxTokens"/>). Default <c>TokenIds</c>.</summary>
        public string OutputColumnName = ReferringColumnNames.TokenIds;

        /// <summary>Output column of the attention mask (vector of Int64, size <see cref="MaxTokens"/>). Default <c>AttentionMask</c>.</summary>
        public string AttentionMaskColumnName = ReferringColumnNames.AttentionMask;

        /// <summary>Tokens per expression, <c>[CLS]</c> and <c>[SEP]</c> included (at least 2). Default 20, as LAVT and MagNet.</summary>
        public int MaxTokens = ExpressionTokenizer.DefaultMaxTokens;

        /// <summary>A BERT <c>vocab.txt</c>; null (default) for the embedded bert-base-uncased vocabulary.</summary>
        public string? VocabularyPath;

        /// <summary>Lower-case and strip accents before WordPiece (uncased vocabularies). Default true.</summary>
        public bool LowerCase = true;
    }

    private readonly IHostEnvironment? _environment;
    private readonly Options _options;

    /// <summary>Creates the estimator; the options are copied and checked (a missing vocabulary file throws here).</summary>
    public ExpressionTokenizingEstimator(Options options) : this(null, options)
    {
    }

    internal ExpressionTokenizingEstimator(IHostEnvironment? environment, Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _environment = environment;
        _options = Copy(options);
        ArgumentException.ThrowIfNullOrEmpty(_options.InputColumnName, nameof(options.InputColumnName));
        ArgumentException.ThrowIfNullOrEmpty(_options.OutputColumnName, nameof(options.OutputColumnName));
        ArgumentException.ThrowIfNullOrEmpty(_options.AttentionMaskColumnName, nameof(options.AttentionMaskColumnName));
        if (_options.OutputColumnName == _options.AttentionMaskColumnName)
            throw new ArgumentException($"The token and attention-mask columns need different names, both are '{_options.OutputColumnName}'.", nameof(options));
        Tokenizer = new ExpressionTokenizer(_options.VocabularyPath, _options.MaxTokens, _options.LowerCase);
    }

    /// <summary>The tokenizer the fitted transformer uses.</summary>
    public ExpressionTokenizer Tokenizer { get; }

    /// <summary>Checks the input column (a text column) and returns the schema with the two token columns.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        InputColumnCheck.Text.Require(inputSchema, _options.InputColumnName, nameof(ExpressionTokenizingEstimator));
        return SchemaShapeFactory.Append(inputSchema,
            SchemaShapeFactory.Vector(_options.OutputColumnName, NumberDataViewType.Int64),
            SchemaShapeFactory.Vector(_options.AttentionMaskColumnName, NumberDataViewType.Int64));
    }

    /// <summary>Checks <paramref name="input"/>'s schema and returns the transformer (nothing is learned).</summary>
    public ExpressionTokenizingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var transformer = new ExpressionTokenizingTransformer(Tokenizer, _options.InputColumnName, _options.OutputColumnName, _options.AttentionMaskColumnName);
        transformer.GetOutputSchema(input.Schema);
        if (_environment is not null)
        {
            using var channel = _environment.Register(nameof(ExpressionTokenizingEstimator)).Start("Fit");
            channel.Info(MessageSensitivity.None,
                $"Tokenizing '{_options.InputColumnName}' into '{_options.OutputColumnName}'/'{_options.AttentionMaskColumnName}': " +
                $"{Tokenizer.VocabularySize} vocabulary entries ({_options.VocabularyPath ?? "bert-base-uncased"}), {Tokenizer.MaxTokens} tokens.");
        }
        return transformer;
    }

    private static Options Copy(Options o) => new()
    {
        InputColumnName = o.InputColumnName,
        OutputColumnName = o.OutputColumnName,
        AttentionMaskColumnName = o.AttentionMaskColumnName,
        MaxTokens = o.MaxTokens,
        VocabularyPath = o.VocabularyPath,
        LowerCase = o.LowerCase,
    };
}
