using Microsoft.ML;

namespace MagNet.ML.Samples;

/// <summary>
/// Reads a JSONL/folder data set (what <c>magnet synth</c> and <c>magnet convert-refer</c> write, or your own rows:
/// <c>{"image": "...", "expression": "...", "mask": "mask.png" | polygon | RLE}</c>) and counts its rows per split.
/// </summary>
internal static class LoadJsonl
{
    public static int Run(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("load-jsonl DIR/data.jsonl");
            return 2;
        }
        ReferringRecordList records = ReferringDatasets.ReadJsonl(args[0]);
        foreach (var group in records.GroupBy(r => r.Split))
            Console.WriteLine($"{(group.Key.Length == 0 ? "(no split)" : group.Key)}: {group.Count()} rows");
        var ml = new MLContext(seed: 1);
        IDataView view = ReferringDatasets.LoadJsonl(ml, args[0]);   // Id, ImagePath, Image, Expression, Mask, Split, extras
        Console.WriteLine(string.Join(", ", view.Schema.Select(c => $"{c.Name}: {c.Type}")));
        return 0;
    }
}
