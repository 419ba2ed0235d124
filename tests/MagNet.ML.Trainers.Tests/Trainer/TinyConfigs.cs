namespace MagNet.ML.Tests.Trainer;

/// <summary>Model configurations far smaller than MagNet-Tiny, so that training and inference tests run in seconds.</summary>
internal static class TinyConfigs
{
    /// <summary>
    /// 64² images, Swin embed 8 (stage maps 16/8/4/2, window 2: no padding), a 4-layer BERT of width 32 (one layer per
    /// stage) over the bert-base-uncased vocabulary, a head of width 16 (pixel decoder 32, one encoder layer, one
    /// decoder layer), no dropout or drop path (so training is deterministic on one thread).
    /// </summary>
    public static MagNetConfig Model(bool useCam = true, int maxTokens = 8)
    {
        var config = new MagNetConfig
        {
            Name = "test-tiny",
            ImageSize = 64,
            MaxTokens = maxTokens,
            LanguagePwamQuirk = false,
            UseCam = useCam,
            LangProjDim = 16,
            ImageModel = new ImageModelSection
            {
                Kwargs = new ImageModelConfig
                {
                    EmbedDim = 8, Depths = [1, 1, 1, 1], NumHeads = [1, 2, 2, 4], WindowSize = 2, DropPathRate = 0.0,
                },
            },
            LanguageModel = new LanguageModelSection
            {
                Config = new BertConfig
                {
                    HiddenSize = 32, NumHiddenLayers = 4, NumAttentionHeads = 2, IntermediateSize = 64, MaxPositionEmbeddings = 32,
                    HiddenDropoutProb = 0.0, AttentionProbsDropoutProb = 0.0,
                },
                EmbedDim = 8,
                PwamIdx = [1, 2, 3, 4],
            },
            Classifier = new ClassifierSection
            {
                Cfg = new ClassifierConfig
                {
                    TransformerEncLayers = 1, ConvsDim = 32, MaskDim = 16, HiddenDim = 16, NHeads = 2, DimFeedforward = 32, DecLayers = 2,
                },
            },
        };
        config.Classifier.InputShape = config.BackboneFeatureShapes();
        config.Validate();
        return config;
    }
}
