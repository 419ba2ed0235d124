using Microsoft.ML;

namespace MagNet.ML.Samples;

/// <summary>Reads a REFER data set (RefCOCO, RefCOCO+, G-Ref) as an IDataView and shows its first rows.</summary>
internal static class LoadReferData
{
    public static int Run(string[] args)
    {
        if (args.Length is not (1 or 4))
        {
            Console.Error.WriteLine("load-refer-data REFER_ROOT [DATASET SPLIT_BY SPLIT], e.g. /data/refer refcoco unc val");
            return 2;
        }
        string dataset = args.Length > 1 ? args[1] : "refcoco", splitBy = args.Length > 1 ? args[2] : "unc", split = args.Length > 1 ? args[3] : "val";
        var ml = new MLContext(seed: 1);
        // Expects ROOT/refcoco/refs(unc).p, ROOT/refcoco/instances.json and images under ROOT/images/mscoco/images/train2014.
        IDataView rows = ReferringDatasets.LoadRefer(ml, args[0], dataset, splitBy, split);
        foreach (var row in ml.Data.CreateEnumerable<Row>(rows, reuseRowObject: false).Take(5))
            Console.WriteLine($"{row.Id}: '{row.Expression}' ({row.ImagePath})");
        return 0;
    }

    private sealed class Row
    {
        public string Id { get; set; } = "";
        public string Expression { get; set; } = "";
        public string ImagePath { get; set; } = "";
    }
}
