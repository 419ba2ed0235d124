namespace MagNet.ML.Benchmarks;

/// <summary>The ways the <c>onnx</c> command runs the same batch of image–expression pairs.</summary>
internal enum InferencePath
{
    /// <summary><c>MagNetModel.forward</c> on prepared tensors (eval, inference mode): the TorchSharp model alone.</summary>
    TorchForward,

    /// <summary><c>MagNetTransformer.Transform</c> over the data view, reading <c>PredictedMask</c>: the whole TorchSharp pipeline.</summary>
    TorchTransform,

    /// <summary><c>InferenceSession.Run</c> on the same prepared inputs: ONNX Runtime alone.</summary>
    OrtSession,

    /// <summary>The raw session plus the transform's own pre- and post-processing of the batch, each timed in the same round.</summary>
    OrtSessionWithPrePost,

    /// <summary>The ONNX transform (<c>ApplyReferringSegmentationOnnx</c>) over the data view, reading <c>PredictedMask</c>.</summary>
    OrtTransform,
}

/// <summary>Names of <see cref="InferencePath"/> values in reports.</summary>
internal static class InferencePaths
{
    public static string Label(this InferencePath path) => path switch
    {
        InferencePath.TorchForward => "TorchSharp forward",
        InferencePath.TorchTransform => "TorchSharp transform",
        InferencePath.OrtSession => "ORT session",
        InferencePath.OrtSessionWithPrePost => "ORT session + pre/post",
        InferencePath.OrtTransform => "ORT transform",
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, null),
    };
}
