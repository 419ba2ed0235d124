using MagNet.ML.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MagNet.ML;

/// <summary>
/// Prepares ground-truth masks for training with <see cref="MaskTensorizer"/>: foreground where any colour channel is
/// non-zero, Pillow-exact nearest-neighbour resize to S×S, floats 0/1.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Column</term><description>Type</description></listheader>
/// <item><term>input <see cref="Options.InputColumnName"/></term><description>mask image (MLImage, from LoadImages)</description></item>
/// <item><term>output <see cref="Options.OutputColumnName"/></term><description>vector of Single, dimensions [S, S], 0 or 1</description></item>
/// </list>
/// Created by <c>mlContext.Transforms.PreprocessReferringMask(...)</c>. Fitting learns nothing; it checks the schema.
/// </remarks>
public sealed class ReferringMaskPreprocessingEstimator : IEstimator<ReferringMaskPreprocessingTransformer>
{
    /// <summary>Settings of <see cref="ReferringMaskPreprocessingEstimator"/>.</summary>
    public sealed class Options
    {
        /// <summary>Mask image column (MLImage). Default <c>Mask</c>.</summary>
        public string InputColumnName = ReferringColumnNames.Mask;

        /// <summary>Output column (vector of Single, [S, S], 0/1). Default <c>MaskPixels</c>.</summary>
        public string OutputColumnName = ReferringColumnNames.MaskPixels;

        /// <summary>Side S of the square output; the image preprocessing's size. Default 480.</summary>
        public int ImageSize = ImageTensorizer.DefaultImageSize;
    }

    private readonly IHostEnvironment? _environment;
    private readonly string _inputColumnName, _outputColumnName;

    /// <summary>Creates the estimator; the options are checked and copied.</summary>
    public ReferringMaskPreprocessingEstimator(Options options) : this(null, options)
    {
    }

    internal ReferringMaskPreprocessingEstimator(IHostEnvironment? environment, Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _environment = environment;
        ArgumentException.ThrowIfNullOrEmpty(options.InputColumnName, nameof(options.InputColumnName));
        ArgumentException.ThrowIfNullOrEmpty(options.OutputColumnName, nameof(options.OutputColumnName));
        _inputColumnName = options.InputColumnName;
        _outputColumnName = options.OutputColumnName;
        Tensorizer = new MaskTensorizer(options.ImageSize);
    }

    /// <summary>The preprocessing the fitted transformer applies.</summary>
    public MaskTensorizer Tensorizer { get; }

    /// <summary>Checks the input column (an image column) and returns the schema with the mask column.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        InputColumnCheck.Image.Require(inputSchema, _inputColumnName, nameof(ReferringMaskPreprocessingEstimator));
        return SchemaShapeFactory.Append(inputSchema, SchemaShapeFactory.Vector(_outputColumnName, NumberDataViewType.Single));
    }

    /// <summary>Checks <paramref name="input"/>'s schema and returns the transformer (nothing is learned).</summary>
    public ReferringMaskPreprocessingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var transformer = new ReferringMaskPreprocessingTransformer(Tensorizer, _inputColumnName, _outputColumnName);
        transformer.GetOutputSchema(input.Schema);
        if (_environment is not null)
        {
            using var channel = _environment.Register(nameof(ReferringMaskPreprocessingEstimator)).Start("Fit");
            channel.Info(MessageSensitivity.None,
                $"Preprocessing masks '{_inputColumnName}' into '{_outputColumnName}' [{Tensorizer.ImageSize}, {Tensorizer.ImageSize}].");
        }
        return transformer;
    }
}
