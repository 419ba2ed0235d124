using MagNet.ML.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MagNet.ML;

/// <summary>
/// Prepares images for MagNet with <see cref="ImageTensorizer"/>: fill-resize to S×S (Pillow-exact bilinear,
/// aspect ratio ignored), ImageNet mean/std, planar CHW floats; records the original size for mapping predictions back.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Column</term><description>Type</description></listheader>
/// <item><term>input <see cref="Options.InputColumnName"/></term><description>image (MLImage, from LoadImages)</description></item>
/// <item><term>output <see cref="Options.OutputColumnName"/></term><description>vector of Single, dimensions [3, S, S]</description></item>
/// <item><term>output <see cref="Options.WidthColumnName"/>, <see cref="Options.HeightColumnName"/></term><description>Int32: original width and height</description></item>
/// </list>
/// Created by <c>mlContext.Transforms.PreprocessReferringImage(...)</c>. Fitting learns nothing; it checks the schema.
/// </remarks>
public sealed class ReferringImagePreprocessingEstimator : IEstimator<ReferringImagePreprocessingTransformer>
{
    /// <summary>Settings of <see cref="ReferringImagePreprocessingEstimator"/>.</summary>
    public sealed class Options
    {
        /// <summary>Image column (MLImage). Default <c>Image</c>.</summary>
        public string InputColumnName = ReferringColumnNames.Image;

        /// <summary>Output column of pixels (vector of Single, [3, S, S]). Default <c>ImagePixels</c>.</summary>
        public string OutputColumnName = ReferringColumnNames.ImagePixels;

        /// <summary>Output column of the original width (Int32). Default <c>ImageWidth</c>.</summary>
        public string WidthColumnName = ReferringColumnNames.ImageWidth;

        /// <summary>Output column of the original height (Int32). Default <c>ImageHeight</c>.</summary>
        public string HeightColumnName = ReferringColumnNames.ImageHeight;

        /// <summary>Side S of the square model input. Default 480, as MagNet and LAVT.</summary>
        public int ImageSize = ImageTensorizer.DefaultImageSize;

        /// <summary>Per-channel means (R, G, B). Default ImageNet's 0.485, 0.456, 0.406.</summary>
        public float[] Mean = [.. ImageTensorizer.ImageNetMean];

        /// <summary>Per-channel standard deviations (R, G, B). Default ImageNet's 0.229, 0.224, 0.225.</summary>
        public float[] Std = [.. ImageTensorizer.ImageNetStd];
    }

    private readonly IHostEnvironment? _environment;
    private readonly string _inputColumnName, _outputColumnName, _widthColumnName, _heightColumnName;

    /// <summary>Creates the estimator; the options are checked and copied.</summary>
    public ReferringImagePreprocessingEstimator(Options options) : this(null, options)
    {
    }

    internal ReferringImagePreprocessingEstimator(IHostEnvironment? environment, Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _environment = environment;
        ArgumentException.ThrowIfNullOrEmpty(options.InputColumnName, nameof(options.InputColumnName));
        ArgumentException.ThrowIfNullOrEmpty(options.OutputColumnName, nameof(options.OutputColumnName));
        ArgumentException.ThrowIfNullOrEmpty(options.WidthColumnName, nameof(options.WidthColumnName));
        ArgumentException.ThrowIfNullOrEmpty(options.HeightColumnName, nameof(options.HeightColumnName));
        string[] outputs = [options.OutputColumnName, options.WidthColumnName, options.HeightColumnName];
        if (outputs.Distinct().Count() != outputs.Length)
            throw new ArgumentException($"The pixel, width and height columns need different names, got '{string.Join("', '", outputs)}'.", nameof(options));
        _inputColumnName = options.InputColumnName;
        _outputColumnName = options.OutputColumnName;
        _widthColumnName = options.WidthColumnName;
        _heightColumnName = options.HeightColumnName;
        Tensorizer = new ImageTensorizer(options.ImageSize, options.Mean, options.Std);
    }

    /// <summary>The preprocessing the fitted transformer applies.</summary>
    public ImageTensorizer Tensorizer { get; }

    /// <summary>Checks the input column (an image column) and returns the schema with the pixel and size columns.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        InputColumnCheck.Image.Require(inputSchema, _inputColumnName, nameof(ReferringImagePreprocessingEstimator));
        return SchemaShapeFactory.Append(inputSchema,
            SchemaShapeFactory.Vector(_outputColumnName, NumberDataViewType.Single),
            SchemaShapeFactory.Scalar(_widthColumnName, NumberDataViewType.Int32),
            SchemaShapeFactory.Scalar(_heightColumnName, NumberDataViewType.Int32));
    }

    /// <summary>Checks <paramref name="input"/>'s schema and returns the transformer (nothing is learned).</summary>
    public ReferringImagePreprocessingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var transformer = new ReferringImagePreprocessingTransformer(Tensorizer, _inputColumnName, _outputColumnName, _widthColumnName, _heightColumnName);
        transformer.GetOutputSchema(input.Schema);
        if (_environment is not null)
        {
            using var channel = _environment.Register(nameof(ReferringImagePreprocessingEstimator)).Start("Fit");
            channel.Info(MessageSensitivity.None,
                $"Preprocessing '{_inputColumnName}' into '{_outputColumnName}' [3, {Tensorizer.ImageSize}, {Tensorizer.ImageSize}] " +
                $"and '{_widthColumnName}'/'{_heightColumnName}'.");
        }
        return transformer;
    }
}
