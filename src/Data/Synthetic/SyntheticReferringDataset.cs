using System.Text.Json;
using Microsoft.ML.Data;

namespace MagNet.ML;

/// <summary>
/// The built-in synthetic relational referring data set (CLEVR-Ref+ in 2-D): scenes of 3–9 coloured shapes on a
/// textured background, one or more expressions per scene from the families of <see cref="ExpressionFamilies"/>, and
/// exact masks of the visible part of the referred objects. Everything is a function of
/// (<see cref="Options.Seed"/>, split, row index): the same options always give the same rows and byte-identical
/// files, and each split draws from its own stream, so the rows of one split do not depend on the others or on
/// <see cref="Options.Count"/> beyond how many are emitted.
/// </summary>
/// <example>
/// <code>
/// var rows = new SyntheticReferringDataset(new() { Seed = 7, Count = 500, Split = "train" }).Generate();
/// new SyntheticReferringDataset(new() { Seed = 7, Count = 100, Split = "all" }).WriteTo("data/synth");
/// </code>
/// </example>
public sealed class SyntheticReferringDataset
{
    /// <summary>Name of the JSONL file written by <see cref="WriteTo"/>.</summary>
    public const string DataFileName = "data.jsonl";
    /// <summary>Folder of the scene images written by <see cref="WriteTo"/>.</summary>
    public const string ImagesFolder = "images";
    /// <summary>Folder of the masks (0/255 PNG, union of the targets, empty for no-target rows) written by <see cref="WriteTo"/>.</summary>
    public const string MasksFolder = "masks";

    /// <summary>Extras key of the template family (see <see cref="ExpressionFamilies"/>).</summary>
    public const string TemplateKey = "template";
    /// <summary>Extras key of the number of relation hops.</summary>
    public const string HopsKey = "hops";
    /// <summary>Extras key of the number of referred objects (0 for no-target rows).</summary>
    public const string TargetsKey = "targets";
    /// <summary>Extras key of the draw orders of the referred objects, as a JSON array.</summary>
    public const string TargetIdsKey = "target_ids";
    /// <summary>Extras key of the scene as JSON (see <see cref="SceneGraph.ToJson"/>).</summary>
    public const string SceneKey = "scene";

    /// <summary>The extras that are plain values (one text column each in a data view): template, hops, targets.</summary>
    public static IReadOnlyList<string> SimpleExtraKeys { get; } = [TemplateKey, HopsKey, TargetsKey];

    private const int MaxScenesPerRow = 1000;

    /// <summary>Options of the synthetic set.</summary>
    public sealed class Options
    {
        /// <summary>Seed of everything random. Default 1.</summary>
        public int Seed = 1;

        /// <summary>Side of the square images in pixels (at least 64). Default 128.</summary>
        public int Size = 128;

        /// <summary>Number of rows (expressions) per split. Default 1000.</summary>
        public int Count = 1000;

        /// <summary>
        /// Split(s) to generate: <c>train</c>, <c>val</c>, <c>test</c>, <c>test-compositional</c>, <c>test-rare</c>,
        /// a comma-separated list of them, or <c>all</c>. Default <c>train</c>.
        /// </summary>
        public string Split = SyntheticSplits.Train;

        /// <summary>Expressions written per scene (each about the same image, all different). Default 1.</summary>
        public int ExpressionsPerScene = 1;

        /// <summary>Fraction of rows that refer to two or more objects (gRefCOCO semantics). Default 0.</summary>
        public double MultiTargetFraction;

        /// <summary>Fraction of rows whose referent is absent (empty mask). Default 0.</summary>
        public double NoTargetFraction;
    }

    private readonly Options _options;
    private readonly IReadOnlyList<string> _splits;

    /// <summary>
    /// Checks the options; throws <see cref="ArgumentException"/> whose <see cref="ArgumentException.ParamName"/> is the
    /// option at fault (e.g. <c>Count</c>).
    /// </summary>
    public SyntheticReferringDataset(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Size < 64)
            throw new ArgumentException($"Synthetic images must be at least 64 pixels wide; Size is {options.Size}.", nameof(Options.Size));
        if (options.Count < 1)
            throw new ArgumentException($"Count must be at least 1 row per split; it is {options.Count}.", nameof(Options.Count));
        if (options.ExpressionsPerScene < 1)
            throw new ArgumentException($"ExpressionsPerScene must be at least 1; it is {options.ExpressionsPerScene}.", nameof(Options.ExpressionsPerScene));
        CheckFraction(options.MultiTargetFraction, nameof(Options.MultiTargetFraction));
        CheckFraction(options.NoTargetFraction, nameof(Options.NoTargetFraction));
        if (options.MultiTargetFraction + options.NoTargetFraction > 1)
            throw new ArgumentException(
                $"MultiTargetFraction ({options.MultiTargetFraction}) plus NoTargetFraction ({options.NoTargetFraction}) exceeds 1.", nameof(Options.NoTargetFraction));
        _splits = SyntheticSplits.Expand(options.Split, nameof(Options.Split));
        _options = new Options
        {
            Seed = options.Seed,
            Size = options.Size,
            Count = options.Count,
            Split = options.Split,
            ExpressionsPerScene = options.ExpressionsPerScene,
            MultiTargetFraction = options.MultiTargetFraction,
            NoTargetFraction = options.NoTargetFraction,
        };
    }

    /// <summary>The splits this set generates, in order.</summary>
    public IReadOnlyList<string> Splits => _splits;

    /// <summary>
    /// Generates the rows in memory: <see cref="Options.Count"/> per split, split by split. Images and masks are
    /// rendered when a record's <c>LoadImage</c>/<c>LoadMask</c> is called; <c>ImagePath</c> is null. Extras hold
    /// <see cref="TemplateKey"/>, <see cref="HopsKey"/>, <see cref="TargetsKey"/>, <see cref="TargetIdsKey"/> and <see cref="SceneKey"/>.
    /// </summary>
    public IReadOnlyList<ReferringRecord> Generate()
    {
        var records = new List<ReferringRecord>();
        foreach (var row in GenerateRows())
        {
            var objects = row.Scene.Objects;
            int size = row.Scene.CanvasSize;
            ulong background = row.Scene.BackgroundSeed;
            var targets = row.Expression.Targets;
            records.Add(new ReferringRecord
            {
                Id = row.Id,
                Expression = row.Expression.Text,
                ImagePath = null,
                Split = row.Split,
                LoadImage = () => new SceneGraph(size, objects, background).RenderImage(),
                LoadMask = () => new SceneGraph(size, objects, background).VisibleMask(targets),
                Extras = Extras(row),
            });
        }
        return records;
    }

    /// <summary>
    /// Writes <c>images/*.png</c> (one per scene), <c>masks/*.png</c> (0/255, one per row) and <c>data.jsonl</c> (one
    /// object per row: <c>id</c>, <c>image</c>, <c>mask</c>, <c>expression</c>, <c>split</c>, <c>template</c>,
    /// <c>hops</c>, <c>targets</c>, <c>target_ids</c>, <c>scene</c>; paths relative to <paramref name="directory"/>,
    /// with '/'). Existing files of the same names are replaced; <c>data.jsonl</c> is replaced atomically at the end.
    /// Returns the rows with <c>ImagePath</c> set and images and masks read back from the files.
    /// </summary>
    public IReadOnlyList<ReferringRecord> WriteTo(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string root = Path.GetFullPath(directory);
        Directory.CreateDirectory(Path.Combine(root, ImagesFolder));
        Directory.CreateDirectory(Path.Combine(root, MasksFolder));
        string dataPath = Path.Combine(root, DataFileName);
        string temporary = dataPath + ".tmp";
        var records = new List<ReferringRecord>();
        string? lastImage = null;
        using (var stream = File.Create(temporary))
        {
            foreach (var row in GenerateRows())
            {
                string image = $"{ImagesFolder}/{row.ImageName}";
                string mask = $"{MasksFolder}/{row.Id}.png";
                string imagePath = Path.Combine(root, ImagesFolder, row.ImageName);
                string maskPath = Path.Combine(root, MasksFolder, row.Id + ".png");
                if (image != lastImage)
                {
                    File.WriteAllBytes(imagePath, row.Scene.RenderPng());
                    lastImage = image;
                }
                row.Scene.VisibleMask(row.Expression.Targets).SavePng(maskPath);
                WriteJsonLine(stream, row, image, mask);
                records.Add(new ReferringRecord
                {
                    Id = row.Id,
                    Expression = row.Expression.Text,
                    ImagePath = imagePath,
                    Split = row.Split,
                    LoadImage = () => MLImage.CreateFromFile(imagePath),
                    LoadMask = () => BinaryMask.LoadImage(maskPath),
                    Extras = Extras(row),
                });
            }
        }
        File.Move(temporary, dataPath, overwrite: true);
        return records;
    }

    /// <summary>Every row, split by split, scene by scene.</summary>
    internal IEnumerable<SyntheticRow> GenerateRows()
    {
        int perScene = _options.ExpressionsPerScene;
        int scenes = (_options.Count + perScene - 1) / perScene;
        foreach (string split in _splits)
        {
            int emitted = 0;
            for (int s = 0; s < scenes; s++)
            {
                var (scene, expressions) = GenerateScene(split, s);
                for (int j = 0; j < expressions.Count && emitted < _options.Count; j++, emitted++)
                    yield return new SyntheticRow(split, s, j, scene, expressions[j]);
            }
        }
    }

    /// <summary>Scene <paramref name="index"/> of <paramref name="split"/> and its expressions, from that scene's own stream.</summary>
    internal (SceneGraph Scene, IReadOnlyList<ReferringExpression> Expressions) GenerateScene(string split, int index)
    {
        var rules = SplitRules.For(split);
        var rng = SyntheticRandom.ForItem(unchecked((ulong)(long)_options.Seed), SyntheticSplits.StreamOf(split), (ulong)index);
        for (int attempt = 0; attempt < MaxScenesPerRow; attempt++)
        {
            var scene = SyntheticSceneGenerator.Generate(rng, _options.Size, rules.HeldOut);
            var templates = new ExpressionTemplates(scene, rng, rules);
            var expressions = new List<ReferringExpression>();
            var texts = new HashSet<string>(StringComparer.Ordinal);
            for (int j = 0; j < _options.ExpressionsPerScene; j++)
            {
                double u = rng.NextDouble();
                var kind = u < _options.NoTargetFraction ? TargetKind.None
                    : u < _options.NoTargetFraction + _options.MultiTargetFraction ? TargetKind.Multiple
                    : TargetKind.Single;
                var expression = templates.Generate(kind, texts);
                if (expression is null) break;
                expressions.Add(expression);
                texts.Add(expression.Text);
            }
            if (expressions.Count == _options.ExpressionsPerScene) return (scene, expressions);
        }
        throw new InvalidOperationException(
            $"No scene of split '{split}' (index {index}) admitted {_options.ExpressionsPerScene} distinct expressions after {MaxScenesPerRow} tries; " +
            "lower ExpressionsPerScene.");
    }

    private static Dictionary<string, string> Extras(SyntheticRow row) => new()
    {
        [TemplateKey] = row.Expression.Family,
        [HopsKey] = row.Expression.Hops.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [TargetsKey] = row.Expression.Targets.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [TargetIdsKey] = "[" + string.Join(",", row.Expression.Targets.Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]",
        [SceneKey] = row.Scene.ToJson(),
    };

    private static void WriteJsonLine(Stream stream, SyntheticRow row, string image, string mask)
    {
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("id", row.Id);
            writer.WriteString("image", image);
            writer.WriteString("mask", mask);
            writer.WriteString("expression", row.Expression.Text);
            writer.WriteString("split", row.Split);
            writer.WriteString("template", row.Expression.Family);
            writer.WriteNumber("hops", row.Expression.Hops);
            writer.WriteNumber("targets", row.Expression.Targets.Count);
            writer.WriteStartArray("target_ids");
            foreach (int t in row.Expression.Targets) writer.WriteNumberValue(t);
            writer.WriteEndArray();
            writer.WritePropertyName("scene");
            row.Scene.WriteJson(writer);
            writer.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
    }

    private static void CheckFraction(double value, string name)
    {
        if (!(value >= 0 && value <= 1))
            throw new ArgumentException($"{name} must be between 0 and 1; it is {value}.", name);
    }
}
