// Runs one sample by name: dotnet run -c Release --project samples/MagNet.ML.Samples -- NAME [ARGS]
using MagNet.ML.Samples;

var samples = new Dictionary<string, (string Usage, Func<string[], int> Run)>(StringComparer.OrdinalIgnoreCase)
{
    ["train-and-evaluate"] = ("[OUT_MODEL.zip]", TrainAndEvaluate.Run),
    ["predict-single-image"] = ("MODEL.zip IMAGE \"expression\" OUT_OVERLAY.png", PredictSingleImage.Run),
    ["load-refer-data"] = ("REFER_ROOT [refcoco unc val]", LoadReferData.Run),
    ["load-jsonl"] = ("DIR/data.jsonl", LoadJsonl.Run),
};
if (args.Length == 0 || !samples.TryGetValue(args[0], out var sample))
{
    Console.Error.WriteLine("Samples:");
    foreach (var (name, (usage, _)) in samples) Console.Error.WriteLine($"  {name} {usage}");
    return 2;
}
return sample.Run(args[1..]);
