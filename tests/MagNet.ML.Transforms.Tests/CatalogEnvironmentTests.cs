using MagNet.ML.Internal;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MagNet.ML.Transforms.Tests;

[TestClass]
public sealed class CatalogEnvironmentTests
{
    [TestMethod]
    public void ReadsTheEnvironmentOfTheContextsTransformsCatalog()
    {
        var ml = new MLContext(seed: 1);
        IHostEnvironment? environment = CatalogEnvironment.Get(ml.Transforms);
        Assert.IsNotNull(environment, "TransformsCatalog no longer keeps an IHostEnvironment field; update CatalogEnvironment.");
    }

    [TestMethod]
    public void MessagesLoggedThroughItReachTheContextsLog()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<LoggingEventArgs>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e); };

        var data = ml.Data.LoadFromEnumerable(new[] { new ExpressionRow { Expression = "man on right" } });
        ml.Transforms.TokenizeReferringExpression().Fit(data);

        lock (messages)
            Assert.IsTrue(messages.Any(m => m.Source.Contains(nameof(ExpressionTokenizingEstimator)) && m.Message.Contains("30522 vocabulary entries")),
                "No message from the tokenizing estimator reached MLContext.Log.");
    }

    private sealed class ExpressionRow
    {
        public string Expression { get; set; } = "";
    }
}
