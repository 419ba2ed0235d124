using System.IO.Compression;
using System.Text.Json;
using MagNet.ML.Modeling;
using MagNet.ML.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Checkpoints;

/// <summary>
/// A training checkpoint: one zip file, written atomically (<see cref="AtomicFile"/>), holding everything a run needs
/// to continue exactly where it stopped.
/// </summary>
/// <remarks>
/// *** Binary format (zip entries, in writing order) ***
/// <list type="number">
/// <item><c>state.json</c> — <see cref="CheckpointState"/>: format name and version, options hash, completed steps,
/// validated epochs, best/last validation oIoU, elapsed time, both random generators' states.</item>
/// <item><c>model.safetensors</c> — the inference model's state dict (<see cref="MagNetModel"/>).</item>
/// <item><c>mask_grounding.safetensors</c> — the Mask Grounding head's state dict (only when Mask Grounding is on).</item>
/// <item><c>optimizer.bin</c> — the AdamW state in TorchSharp's own format (<c>OptimizerHelper.save_state_dict</c>:
/// per parameter the step count and both moment tensors, plus the parameter groups' options).</item>
/// <item><c>best.safetensors</c> — the best model so far by validation oIoU (only when there is one).</item>
/// </list>
/// </remarks>
internal static class TrainingCheckpoint
{
    private const string StateEntry = "state.json";
    private const string ModelEntry = "model.safetensors";
    private const string MaskGroundingEntry = "mask_grounding.safetensors";
    private const string OptimizerEntry = "optimizer.bin";
    private const string BestEntry = "best.safetensors";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Writes a checkpoint to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, CheckpointState state, MagNetModel model, MaskGroundingHead? maskGrounding,
        OptimizerHelper optimizer, IReadOnlyDictionary<string, Tensor>? best)
    {
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            var entry = zip.CreateEntry(StateEntry, CompressionLevel.Fastest);
            using (var json = entry.Open()) JsonSerializer.Serialize(json, state, Json);
            ZipTensors.Write(zip, ModelEntry, model.state_dict());
            if (maskGrounding is not null) ZipTensors.Write(zip, MaskGroundingEntry, maskGrounding.state_dict());
            var optimizerEntry = zip.CreateEntry(OptimizerEntry, CompressionLevel.NoCompression);
            using (var optimizerStream = optimizerEntry.Open())
            using (var writer = new BinaryWriter(optimizerStream))
                optimizer.save_state_dict(writer);
            if (best is not null) ZipTensors.Write(zip, BestEntry, best);
        });
    }

    /// <summary>
    /// Reads the state of the checkpoint at <paramref name="path"/>; an unreadable or foreign file is an
    /// <see cref="InvalidDataException"/> naming it.
    /// </summary>
    public static CheckpointState ReadState(string path) => WithArchive(path, zip =>
    {
        var entry = zip.GetEntry(StateEntry) ?? throw new InvalidDataException($"'{path}' is not a MagNet.ML training checkpoint: it has no {StateEntry}.");
        CheckpointState? state;
        using (var json = entry.Open())
        {
            try { state = JsonSerializer.Deserialize<CheckpointState>(json); }
            catch (JsonException e) { throw new InvalidDataException($"'{path}': {StateEntry} is not valid: {e.Message}", e); }
        }
        if (state is null || state.Format != CheckpointState.FormatName)
            throw new InvalidDataException($"'{path}' is not a MagNet.ML training checkpoint (format '{state?.Format}').");
        if (state.FormatVersion > CheckpointState.CurrentVersion)
            throw new InvalidDataException(
                $"'{path}' is a version {state.FormatVersion} checkpoint; this MagNet.ML reads versions up to {CheckpointState.CurrentVersion}.");
        return state;
    });

    /// <summary>
    /// Loads the model, Mask Grounding head and optimizer of the checkpoint at <paramref name="path"/> into the
    /// given objects (built exactly as when the checkpoint was written) and returns its best model, if any (the caller
    /// owns those tensors).
    /// </summary>
    public static Dictionary<string, Tensor>? Restore(string path, MagNetModel model, MaskGroundingHead? maskGrounding, OptimizerHelper optimizer) =>
        WithArchive(path, zip =>
        {
            LoadModule(zip, ModelEntry, model, path);
            if (maskGrounding is not null)
            {
                if (zip.GetEntry(MaskGroundingEntry) is null)
                    throw new InvalidDataException($"'{path}' was written without Mask Grounding; it cannot resume a run that uses it.");
                LoadModule(zip, MaskGroundingEntry, maskGrounding, path);
            }
            var optimizerEntry = zip.GetEntry(OptimizerEntry) ?? throw new InvalidDataException($"'{path}' has no '{OptimizerEntry}' entry.");
            using (var buffer = new MemoryStream())
            {
                using (var stream = optimizerEntry.Open()) stream.CopyTo(buffer);
                buffer.Position = 0;
                using var reader = new BinaryReader(buffer);
                try { optimizer.load_state_dict(reader); }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    throw new InvalidDataException($"'{path}': the optimizer state does not fit this model: {e.Message}", e);
                }
            }
            return zip.GetEntry(BestEntry) is null ? null : ZipTensors.Read(zip, BestEntry, path);
        });

    private static void LoadModule(ZipArchive zip, string entryName, nn.Module module, string path)
    {
        var tensors = ZipTensors.Read(zip, entryName, path);
        try
        {
            ModuleWeights.Load(module, tensors, strict: true, source: $"'{path}' ({entryName})");
        }
        finally
        {
            ZipTensors.DisposeAll(tensors);
        }
    }

    private static T WithArchive<T>(string path, Func<ZipArchive, T> read)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Training checkpoint '{path}' does not exist.", path);
        try
        {
            using var zip = ZipFile.OpenRead(path);
            return read(zip);
        }
        catch (InvalidDataException e) when (!e.Message.Contains(path, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"'{path}' is not a readable MagNet.ML training checkpoint: {e.Message}", e);
        }
    }
}
