using System.Reflection;
using MagNet.ML.Modeling;

namespace MagNet.ML.Tests.Modeling;

/// <summary>The ImageNet ResNet-18 ONNX file of the restored <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> package.</summary>
internal static class PackagedResNet18
{
    /// <summary>Its path (the test project records the package folder at build time).</summary>
    public static string Path
    {
        get
        {
            string? folder = typeof(PackagedResNet18).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "ResNet18PackageFolder")?.Value;
            Assert.IsFalse(string.IsNullOrEmpty(folder), "the test project records the restored package's folder");
            string path = System.IO.Path.Combine(folder!, DnnImageFeaturizerResNet18.ModelPathInPackage);
            Assert.IsTrue(File.Exists(path), path);
            return path;
        }
    }
}
