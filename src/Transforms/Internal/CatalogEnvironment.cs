using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MagNet.ML.Internal;

/// <summary>
/// Recovers the <see cref="IHostEnvironment"/> (the <see cref="MLContext"/>'s) that a <see cref="TransformsCatalog"/>
/// keeps in a private field, so components created from <c>mlContext.Transforms</c> can log to
/// <see cref="MLContext.Log"/>. ML.NET exposes it only to its own assemblies, hence reflection; when the field cannot be
/// found the result is <c>null</c> and components simply do not log.
/// </summary>
internal static class CatalogEnvironment
{
    private static readonly FieldInfo? EnvironmentField = typeof(TransformsCatalog)
        .GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
        .FirstOrDefault(f => typeof(IHostEnvironment).IsAssignableFrom(f.FieldType));

    /// <summary>The catalog's environment, or <c>null</c> when it cannot be read.</summary>
    public static IHostEnvironment? Get(TransformsCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        try
        {
            return EnvironmentField?.GetValue(catalog) as IHostEnvironment;
        }
        catch (Exception e) when (e is FieldAccessException or TargetException or ArgumentException)
        {
            return null;
        }
    }
}
