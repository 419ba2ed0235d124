// Usage: MagNet.ML.QuickStart.Plot CURVE.csv OUT.png [TITLE]
// CURVE.csv has the header kind,step,epoch,value: "loss" rows (training loss against the step) and "val_oiou" rows
// (validation oIoU after each epoch). Draws the loss on the left axis and the oIoU (0..1) on the right axis.
using System.Globalization;

if (args.Length is not (2 or 3))
{
    Console.Error.WriteLine("usage: MagNet.ML.QuickStart.Plot CURVE.csv OUT.png [TITLE]");
    return 2;
}
var losses = new List<(double Step, double Value)>();
var validations = new List<(double Step, double Value)>();
foreach (string line in File.ReadLines(args[0]).Skip(1))
{
    if (string.IsNullOrWhiteSpace(line)) continue;
    string[] f = line.Split(',');
    if (f.Length != 4) { Console.Error.WriteLine($"plot: '{args[0]}': bad line '{line}'"); return 1; }
    var point = (double.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[3], CultureInfo.InvariantCulture));
    (f[0] == "val_oiou" ? validations : losses).Add(point);
}

var plot = new ScottPlot.Plot();
plot.Title(args.Length == 3 ? args[2] : "MagNet on the synthetic set");
plot.XLabel("step");
plot.YLabel("training loss");
if (losses.Count > 0)
{
    var loss = plot.Add.Scatter(losses.Select(p => p.Step).ToArray(), losses.Select(p => p.Value).ToArray());
    loss.LegendText = "training loss";
    loss.MarkerSize = 0;
}
if (validations.Count > 0)
{
    var iou = plot.Add.Scatter(validations.Select(p => p.Step).ToArray(), validations.Select(p => p.Value).ToArray());
    iou.LegendText = "validation oIoU";
    iou.MarkerSize = 8;
    iou.LineWidth = 2;
    iou.Axes.YAxis = plot.Axes.Right;
    plot.Axes.Right.Label.Text = "validation oIoU";
    plot.Axes.SetLimitsY(0, 1, plot.Axes.Right);
}
plot.ShowLegend(ScottPlot.Alignment.UpperCenter);
plot.SavePng(args[1], 900, 450);
return 0;
