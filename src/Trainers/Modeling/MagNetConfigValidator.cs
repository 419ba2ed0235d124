namespace MagNet.ML;

/// <summary>The checks behind <see cref="MagNetConfig.Validate"/>; each failure names the JSON field at fault.</summary>
internal static class MagNetConfigValidator
{
    private const int Stages = 4;

    public static void Validate(MagNetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Require(config.Name is not null, "name", "must not be null");
        Require(config.ImageModel?.Kwargs is not null, "image_model.kwargs", "is missing");
        Require(config.LanguageModel?.Config is not null, "language_model.config", "is missing");
        Require(config.Classifier?.Cfg is not null, "classifier.cfg", "is missing");
        var image = config.ImageModel!.Kwargs;
        var language = config.LanguageModel!;
        var bert = language.Config;

        ValidateImage(image);
        if (config.ImageModel.Type == ImageEncoderKind.ResNet) ValidateResNet(config);
        ValidateBert(bert);
        ValidateLanguage(language, image);

        int stride = image.PatchSize << (Stages - 1);
        Require(config.ImageSize > 0 && config.ImageSize % stride == 0, "image_size",
            $"is {config.ImageSize}; it must be a positive multiple of patch_size·8 = {stride} so that every stage map has an integral size");
        Require(config.MaxTokens >= 1 && config.MaxTokens <= bert.MaxPositionEmbeddings, "max_tokens",
            $"is {config.MaxTokens}; it must be between 1 and language_model.config.max_position_embeddings ({bert.MaxPositionEmbeddings})");

        ValidateClassifier(config.Classifier!, config);
    }

    private static void ValidateImage(ImageModelConfig kw)
    {
        const string p = "image_model.kwargs.";
        Require(kw.PatchSize >= 1, p + "patch_size", $"is {kw.PatchSize}; it must be at least 1");
        Require(kw.InChans >= 1, p + "in_chans", $"is {kw.InChans}; it must be at least 1");
        Require(kw.EmbedDim >= 1, p + "embed_dim", $"is {kw.EmbedDim}; it must be at least 1");
        Require(kw.WindowSize >= 1, p + "window_size", $"is {kw.WindowSize}; it must be at least 1");
        Require(kw.MlpRatio > 0 && double.IsFinite(kw.MlpRatio), p + "mlp_ratio", $"is {kw.MlpRatio}; it must be positive");
        Require(kw.QkScale is null || (kw.QkScale > 0 && double.IsFinite(kw.QkScale.Value)), p + "qk_scale", $"is {kw.QkScale}; it must be null or positive");
        Rate(kw.DropRate, p + "drop_rate");
        Rate(kw.AttnDropRate, p + "attn_drop_rate");
        Rate(kw.DropPathRate, p + "drop_path_rate");
        Rate(kw.FusionDrop, p + "fusion_drop");
        Require(!kw.Ape || kw.PretrainImgSize >= kw.PatchSize, p + "pretrain_img_size",
            $"is {kw.PretrainImgSize}; with ape it must be at least patch_size ({kw.PatchSize})");
        Require(!kw.UseCheckpoint, p + "use_checkpoint", "is true; activation checkpointing is not supported by the TorchSharp port (set it to false)");
        Require(kw.FrozenStages >= -1 && kw.FrozenStages <= Stages, p + "frozen_stages", $"is {kw.FrozenStages}; it must be between -1 and {Stages}");
        FourValues(kw.Depths, p + "depths");
        FourValues(kw.NumHeads, p + "num_heads");
        FourValues(kw.NumHeadsFusion, p + "num_heads_fusion");
        Require(kw.OutIndices is not null, p + "out_indices", "is missing");
        int[] outIndices = kw.OutIndices!;
        Require(outIndices.All(i => i >= 0 && i < Stages) && outIndices.Distinct().Count() == outIndices.Length,
            p + "out_indices", $"is [{string.Join(", ", outIndices)}]; it must hold distinct stage indices 0..3");
        for (int i = 0; i < Stages; i++)
        {
            int dim = kw.StageDim(i);
            Require(kw.Depths[i] >= 1, $"{p}depths[{i}]", $"is {kw.Depths[i]}; every stage needs at least one block");
            Require(kw.NumHeads[i] >= 1 && dim % kw.NumHeads[i] == 0, $"{p}num_heads[{i}]",
                $"is {kw.NumHeads[i]}; it must divide the stage width embed_dim·2^{i} = {dim}");
            Require(dim % 4 == 0, p + "embed_dim", $"gives stage width {dim} at stage {i + 1}; the CAM reduces to width/4, so every width must be a multiple of 4");
            Require(kw.NumHeadsFusion[i] >= 1 && (dim / 4) % kw.NumHeadsFusion[i] == 0, $"{p}num_heads_fusion[{i}]",
                $"is {kw.NumHeadsFusion[i]}; it must divide the CAM width {dim / 4} (and so the stage width {dim})");
        }
    }

    // The ResNet's stage widths (64·2^i) and strides (4·2^i) are fixed; the fusion modules and the head are built
    // from embed_dim and patch_size, so those must describe them.
    private static void ValidateResNet(MagNetConfig config)
    {
        const string p = "image_model.kwargs.";
        var kw = config.ImageModel.Kwargs;
        Require(kw.EmbedDim == 64, p + "embed_dim", $"is {kw.EmbedDim}; with image_model.type 'resnet' it must be 64 (the ResNet's first stage width)");
        Require(kw.PatchSize == 4, p + "patch_size", $"is {kw.PatchSize}; with image_model.type 'resnet' it must be 4 (the ResNet's first stage stride)");
        Require(kw.InChans == 3, p + "in_chans", $"is {kw.InChans}; with image_model.type 'resnet' it must be 3 (RGB)");
        Require(!kw.Ape, p + "ape", "is true; a ResNet has no absolute position embedding");
        Require(kw.FrozenStages == -1, p + "frozen_stages",
            $"is {kw.FrozenStages}; a ResNet image side is frozen with the trainer's ImageEncoderLearningRateScale = 0 instead (leave -1)");
        Require(config.UseCam, "use_cam", "is false; with image_model.type 'resnet' only MagNet's stage (with the CAM) is supported");
    }

    private static void ValidateBert(BertConfig bert)
    {
        const string p = "language_model.config.";
        Require(bert.VocabSize >= 1, p + "vocab_size", $"is {bert.VocabSize}; it must be at least 1");
        Require(bert.HiddenSize >= 1, p + "hidden_size", $"is {bert.HiddenSize}; it must be at least 1");
        Require(bert.NumHiddenLayers >= 1, p + "num_hidden_layers", $"is {bert.NumHiddenLayers}; it must be at least 1");
        Require(bert.NumAttentionHeads >= 1 && bert.HiddenSize % bert.NumAttentionHeads == 0, p + "num_attention_heads",
            $"is {bert.NumAttentionHeads}; it must divide hidden_size ({bert.HiddenSize})");
        Require(bert.IntermediateSize >= 1, p + "intermediate_size", $"is {bert.IntermediateSize}; it must be at least 1");
        Require(bert.HiddenAct is "gelu" or "relu", p + "hidden_act", $"is '{bert.HiddenAct}'; supported: 'gelu' (exact) and 'relu'");
        Rate(bert.HiddenDropoutProb, p + "hidden_dropout_prob");
        Rate(bert.AttentionProbsDropoutProb, p + "attention_probs_dropout_prob");
        Require(bert.MaxPositionEmbeddings >= 1, p + "max_position_embeddings", $"is {bert.MaxPositionEmbeddings}; it must be at least 1");
        Require(bert.TypeVocabSize >= 1, p + "type_vocab_size", $"is {bert.TypeVocabSize}; it must be at least 1 (token type 0 is used)");
        Require(bert.LayerNormEps > 0, p + "layer_norm_eps", $"is {bert.LayerNormEps}; it must be positive");
        Require(bert.InitializerRange >= 0, p + "initializer_range", $"is {bert.InitializerRange}; it must not be negative");
        Require(bert.PadTokenId >= 0 && bert.PadTokenId < bert.VocabSize, p + "pad_token_id", $"is {bert.PadTokenId}; it must be a vocabulary id");
    }

    private static void ValidateLanguage(LanguageModelSection language, ImageModelConfig image)
    {
        const string p = "language_model.";
        var bert = language.Config;
        Require(language.EmbedDim == image.EmbedDim, p + "embed_dim",
            $"is {language.EmbedDim}; it must equal image_model.kwargs.embed_dim ({image.EmbedDim}) because the language PWAMs read the image stages");
        FourValues(language.PwamIdx, p + "pwam_idx");
        FourValues(language.NumHeadsFusion, p + "num_heads_fusion");
        Rate(language.FusionDrop, p + "fusion_drop");
        int previous = 0;
        for (int i = 0; i < Stages; i++)
        {
            Require(language.PwamIdx[i] > previous, $"{p}pwam_idx[{i}]",
                $"is {language.PwamIdx[i]}; the group ends must be strictly increasing and start above 0 (each stage runs at least one BERT layer)");
            previous = language.PwamIdx[i];
            Require(language.NumHeadsFusion[i] >= 1 && bert.HiddenSize % language.NumHeadsFusion[i] == 0, $"{p}num_heads_fusion[{i}]",
                $"is {language.NumHeadsFusion[i]}; it must divide hidden_size ({bert.HiddenSize})");
        }
        Require(language.PwamIdx[Stages - 1] == bert.NumHiddenLayers, $"{p}pwam_idx[3]",
            $"is {language.PwamIdx[Stages - 1]}; the last group must end at num_hidden_layers ({bert.NumHiddenLayers})");
    }

    private static void ValidateClassifier(ClassifierSection classifier, MagNetConfig config)
    {
        const string p = "classifier.cfg.";
        var cfg = classifier.Cfg;
        Require(cfg.CommonStride >= 1 && (cfg.CommonStride & (cfg.CommonStride - 1)) == 0, p + "MODEL.SEM_SEG_HEAD.COMMON_STRIDE",
            $"is {cfg.CommonStride}; it must be a power of two");
        Rate(cfg.Dropout, p + "MODEL.MASK_FORMER.DROPOUT");
        Require(cfg.NHeads >= 1, p + "MODEL.MASK_FORMER.NHEADS", $"is {cfg.NHeads}; it must be at least 1");
        Require(cfg.TransformerEncLayers >= 0, p + "MODEL.SEM_SEG_HEAD.TRANSFORMER_ENC_LAYERS", $"is {cfg.TransformerEncLayers}; it must not be negative");
        Require(cfg.ConvsDim >= 1 && cfg.ConvsDim % 32 == 0 && cfg.ConvsDim % cfg.NHeads == 0, p + "MODEL.SEM_SEG_HEAD.CONVS_DIM",
            $"is {cfg.ConvsDim}; it must be a multiple of 32 (GroupNorm(32)) and of NHEADS ({cfg.NHeads})");
        Require(cfg.MaskDim >= 1, p + "MODEL.SEM_SEG_HEAD.MASK_DIM", $"is {cfg.MaskDim}; it must be at least 1");
        Require(cfg.HiddenDim >= 1 && cfg.HiddenDim % cfg.NHeads == 0, p + "MODEL.MASK_FORMER.HIDDEN_DIM",
            $"is {cfg.HiddenDim}; it must be a multiple of NHEADS ({cfg.NHeads})");
        Require(cfg.NumClasses >= 1, p + "MODEL.SEM_SEG_HEAD.NUM_CLASSES", $"is {cfg.NumClasses}; it must be at least 1");
        Require(cfg.NumObjectQueries >= 1, p + "MODEL.MASK_FORMER.NUM_OBJECT_QUERIES", $"is {cfg.NumObjectQueries}; it must be at least 1");
        Require(cfg.TransformerDimFeedforward >= 1, p + "MODEL.SEM_SEG_HEAD.TRANSFORMER_DIM_FEEDFORWARD",
            $"is {cfg.TransformerDimFeedforward}; it must be at least 1");
        Require(cfg.DimFeedforward >= 1, p + "MODEL.MASK_FORMER.DIM_FEEDFORWARD", $"is {cfg.DimFeedforward}; it must be at least 1");
        Require(cfg.DecLayers >= 1, p + "MODEL.MASK_FORMER.DEC_LAYERS", $"is {cfg.DecLayers}; it must be at least 1 (DEC_LAYERS − 1 layers are built)");
        Require(cfg.DeformableTransformerEncoderInFeatures is { Length: > 0 }, p + "MODEL.SEM_SEG_HEAD.DEFORMABLE_TRANSFORMER_ENCODER_IN_FEATURES", "must name at least one feature");

        Require(classifier.InputShape is not null, "classifier.input_shape", "is missing");
        foreach (var (name, expected) in config.BackboneFeatureShapes())
        {
            Require(classifier.InputShape!.TryGetValue(name, out var actual) && actual is not null, $"classifier.input_shape.{name}", "is missing");
            Require(actual!.Channel == expected.Channel && actual.Stride == expected.Stride, $"classifier.input_shape.{name}",
                $"is channel {actual.Channel} stride {actual.Stride}, but the backbone produces channel {expected.Channel} stride {expected.Stride}");
        }
        foreach (var feature in cfg.DeformableTransformerEncoderInFeatures)
            Require(classifier.InputShape!.ContainsKey(feature), p + "MODEL.SEM_SEG_HEAD.DEFORMABLE_TRANSFORMER_ENCODER_IN_FEATURES",
                $"names '{feature}', which is not in classifier.input_shape");
    }

    private static void FourValues(int[]? values, string field) =>
        Require(values is { Length: Stages }, field, $"must hold {Stages} values (one per stage), not {values?.Length.ToString() ?? "null"}");

    private static void Rate(double value, string field) =>
        Require(value >= 0 && value < 1, field, $"is {value}; a dropout rate must be in [0, 1)");

    private static void Require(bool condition, string field, string fault)
    {
        if (!condition) throw new ArgumentException($"MagNet configuration: {field} {fault}.");
    }
}
