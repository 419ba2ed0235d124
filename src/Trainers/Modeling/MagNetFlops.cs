using MagNet.ML.Modeling;

namespace MagNet.ML;

/// <summary>
/// Analytic operation count of the MagNet forward pass (<see cref="MagNetModel.forward"/>) for one image–expression
/// pair at a configuration's image size and token length. It follows the modules as this package runs them: Swin
/// attention and projections on the window-padded token grid, MLPs on the unpadded one (or, for a ResNet image side,
/// its stem and every block's convolutions); every BERT layer; the image
/// PWAM, gate, CAM pyramids with their PWAMs, mixer and PatchMerging of each stage; the language PWAM and gate of each
/// stage; the pixel decoder (input projections, value/offset/attention/output projections and FFN of every deformable
/// encoder layer, mask features) and the transformer decoder (projections, attention products, FFNs, class and mask
/// heads, and the mask-logit product of every prediction).
/// </summary>
public static class MagNetFlops
{
    /// <summary>
    /// Counts 2 × multiply-accumulates of every linear layer, convolution and activation product of one forward pass
    /// (batch 1) of a model built from <paramref name="config"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The configuration is invalid.</exception>
    public static MagNetFlopCount Count(MagNetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var tally = new Tally();
        var image = config.ImageModel.Kwargs;
        var bert = config.LanguageModel.Config;
        long tokens = config.MaxTokens, words = bert.HiddenSize;

        bool resNet = config.ImageModel.Type == ImageEncoderKind.ResNet;
        long side = Ceiling(config.ImageSize, image.PatchSize);
        if (resNet)
        {
            long half = config.ImageSize / 2;
            tally.Add("image.stem", MagNetFlopKind.Conv2d, half * half * ResNetImageEncoder.StageChannels[0] * image.InChans * 7 * 7);
        }
        else
            tally.Add("image.stem", MagNetFlopKind.Conv2d, side * side * image.EmbedDim * image.InChans * image.PatchSize * image.PatchSize);

        var sides = new long[4];
        for (int stage = 0; stage < 4; stage++)
        {
            sides[stage] = side;
            long c = image.StageDim(stage), pixels = side * side;
            string name = $"stage{stage + 1}";
            if (resNet) ResNetBlocks(tally, $"image.{name}.resnet", side, c, stage == 0 ? c : c / 2, image.Depths[stage]);
            else SwinBlocks(tally, $"image.{name}.swin", side, c, image.Depths[stage], image.WindowSize, (long)(c * image.MlpRatio));
            BertLayers(tally, $"text.{name}.bert", bert, tokens,
                (stage == 0 ? 0 : config.LanguageModel.PwamIdx[stage - 1], config.LanguageModel.PwamIdx[stage]));
            ImageFusion(tally, $"image.{name}.fusion", pixels, c, tokens, words, side, hasDownsample: !resNet && stage < 3);
            LanguageFusion(tally, $"text.{name}.fusion", pixels, c, tokens, words);
            side = (side + 1) / 2;
        }

        var head = MagNetModel.HeadOptions(config);
        var levelPixels = sides.Select(s => s * s).ToArray();   // s1..s4
        PixelDecoder(tally, "head.pixel_decoder", head, levelPixels);
        TransformerDecoder(tally, "head.transformer_decoder", head, levelPixels);
        return tally.ToCount();
    }

    // Swin blocks: qkv, attention products and proj run on the window-padded grid, the MLP on the real tokens.
    private static void SwinBlocks(Tally tally, string part, long side, long c, int depth, long window, long hidden)
    {
        long padded = Ceiling(side, window) * window;
        long paddedTokens = padded * padded, realTokens = side * side;
        for (int block = 0; block < depth; block++)
        {
            tally.Add(part, MagNetFlopKind.Linear, paddedTokens * c * 3 * c);          // qkv
            tally.Add(part, MagNetFlopKind.Matmul, 2 * paddedTokens * window * window * c);   // q·kᵀ and attn·v per window
            tally.Add(part, MagNetFlopKind.Linear, paddedTokens * c * c);              // proj
            tally.Add(part, MagNetFlopKind.Linear, 2 * realTokens * c * hidden);       // fc1, fc2
        }
    }

    // ResNet basic blocks at output side `side`: two 3×3 convolutions each, the first block of a widening stage reading
    // `inChannels` and adding a 1×1 shortcut convolution (norms are folded into convolutions, ReLUs and adds not counted).
    private static void ResNetBlocks(Tally tally, string part, long side, long c, long inChannels, int depth)
    {
        long pixels = side * side;
        for (int block = 0; block < depth; block++)
        {
            long input = block == 0 ? inChannels : c;
            tally.Add(part, MagNetFlopKind.Conv2d, pixels * c * (input * 9 + c * 9));
            if (block == 0 && input != c) tally.Add(part, MagNetFlopKind.Conv2d, pixels * c * input);
        }
    }

    private static void BertLayers(Tally tally, string part, BertConfig bert, long tokens, (int Start, int End) layers)
    {
        long d = bert.HiddenSize;
        for (int layer = layers.Start; layer < layers.End; layer++)
        {
            tally.Add(part, MagNetFlopKind.Linear, 4 * tokens * d * d);                // query, key, value, attention output
            tally.Add(part, MagNetFlopKind.Matmul, 2 * tokens * tokens * d);          // scores and context
            tally.Add(part, MagNetFlopKind.Linear, 2 * tokens * d * bert.IntermediateSize);   // intermediate and output
        }
    }

    // Image-side PWAM of width c over `pixels` positions reading `tokens` words of width `words`.
    private static void ImagePwam(Tally tally, string part, long pixels, long c, long tokens, long words)
    {
        tally.Add(part, MagNetFlopKind.Conv1d, pixels * c * c);           // vis_project
        tally.Add(part, MagNetFlopKind.Linear, pixels * c * c);           // f_query
        tally.Add(part, MagNetFlopKind.Conv1d, 2 * tokens * words * c);   // f_key, f_value
        tally.Add(part, MagNetFlopKind.Matmul, 2 * pixels * tokens * c);  // scores and attended values
        tally.Add(part, MagNetFlopKind.Linear, pixels * c * c);           // W
        tally.Add(part, MagNetFlopKind.Conv1d, pixels * c * c);           // project_mm
    }

    private static void ImageFusion(Tally tally, string part, long pixels, long c, long tokens, long words, long side, bool hasDownsample)
    {
        ImagePwam(tally, part, pixels, c, tokens, words);
        tally.Add(part, MagNetFlopKind.Linear, 2 * pixels * c * c);       // res_gate
        long reduced = c / 4;
        foreach (int bin in MultiModalSwinLayer.PyramidBins)
        {
            long cells = (long)bin * bin;
            tally.Add(part, MagNetFlopKind.Conv2d, cells * (c * 4 * c + 4 * c * c + c * reduced));   // pyramid convs
            ImagePwam(tally, part, cells, reduced, tokens, words);
        }
        tally.Add(part, MagNetFlopKind.Linear, pixels * 2 * c * c + pixels * c * c);   // mixer
        if (hasDownsample)
        {
            long merged = (side + 1) / 2;
            tally.Add(part, MagNetFlopKind.Linear, merged * merged * 4 * c * 2 * c);   // PatchMerging reduction
        }
    }

    // Language-side PWAM of width `words` (tokens query the pixels of width c) and its gate.
    private static void LanguageFusion(Tally tally, string part, long pixels, long c, long tokens, long words)
    {
        tally.Add(part, MagNetFlopKind.Linear, tokens * words * words);        // vis_project
        tally.Add(part, MagNetFlopKind.Conv1d, tokens * words * words);        // f_query
        tally.Add(part, MagNetFlopKind.Conv1d, 2 * pixels * c * words);        // f_key, f_value
        tally.Add(part, MagNetFlopKind.Matmul, 2 * tokens * pixels * words);   // scores and attended values
        tally.Add(part, MagNetFlopKind.Conv1d, 2 * tokens * words * words);    // W, project_mm
        tally.Add(part, MagNetFlopKind.Linear, 2 * tokens * words * words);    // res_gate
    }

    private static void PixelDecoder(Tally tally, string part, MaskFormerHeadOptions head, long[] levelPixels)
    {
        long d = head.ConvDim;
        for (int level = 0; level < MaskFormerHeadOptions.InputLevels; level++)
            tally.Add(part, MagNetFlopKind.Conv2d, levelPixels[level] * head.InputChannels[level] * d);   // input_proj
        long all = levelPixels.Sum();
        long samples = (long)head.NumHeads * MaskFormerHeadOptions.InputLevels * head.NumPoints;
        for (int layer = 0; layer < head.TransformerEncoderLayers; layer++)
        {
            tally.Add(part, MagNetFlopKind.Linear, all * d * d);                 // value_proj
            tally.Add(part, MagNetFlopKind.Linear, all * d * samples * 2);       // sampling_offsets
            tally.Add(part, MagNetFlopKind.Linear, all * d * samples);           // attention_weights
            tally.Add(part, MagNetFlopKind.Linear, all * d * d);                 // output_proj
            tally.Add(part, MagNetFlopKind.Linear, 2 * all * d * head.EncoderFeedforwardDim);   // linear1, linear2
        }
        tally.Add(part, MagNetFlopKind.Conv2d, levelPixels[0] * d * head.MaskDim);   // mask_features
    }

    private static void TransformerDecoder(Tally tally, string part, MaskFormerHeadOptions head, long[] levelPixels)
    {
        long hidden = head.HiddenDim, queries = head.NumQueries;
        // Memory level k of the decoder is s4, s3, s2 for k = 0, 1, 2.
        var memory = Enumerable.Range(0, MaskFormerHeadOptions.DecoderFeatureLevels)
            .Select(k => levelPixels[MaskFormerHeadOptions.InputLevels - 1 - k]).ToArray();
        if (head.ConvDim != head.HiddenDim)
            foreach (long pixels in memory) tally.Add(part, MagNetFlopKind.Conv2d, pixels * head.ConvDim * hidden);

        for (int prediction = 0; prediction < head.DecLayers; prediction++)
        {
            tally.Add(part, MagNetFlopKind.Linear, queries * hidden * (head.NumClasses + 1));       // class_embed
            tally.Add(part, MagNetFlopKind.Linear, queries * (2 * hidden * hidden + hidden * head.MaskDim));   // mask_embed
            tally.Add(part, MagNetFlopKind.Matmul, queries * head.MaskDim * levelPixels[0]);     // mask logits
        }
        for (int layer = 0; layer < head.DecoderLayers; layer++)
        {
            long keys = memory[layer % memory.Length];
            tally.Add(part, MagNetFlopKind.Linear, (2 * queries + 2 * keys) * hidden * hidden);   // cross: q, k, v, out
            tally.Add(part, MagNetFlopKind.Matmul, 2 * queries * keys * hidden);
            tally.Add(part, MagNetFlopKind.Linear, 4 * queries * hidden * hidden);                // self: q, k, v, out
            tally.Add(part, MagNetFlopKind.Matmul, 2 * queries * queries * hidden);
            tally.Add(part, MagNetFlopKind.Linear, 2 * queries * hidden * head.DimFeedforward);   // FFN
        }
    }

    private static long Ceiling(long value, long divisor) => (value + divisor - 1) / divisor;

    // Accumulates multiply-accumulates per part and kind; the count reports 2 operations per multiply-accumulate.
    private sealed class Tally
    {
        private readonly OrderedDictionary<string, long> byPart = new();
        private readonly Dictionary<MagNetFlopKind, long> byKind = Enum.GetValues<MagNetFlopKind>().ToDictionary(k => k, _ => 0L);

        public void Add(string part, MagNetFlopKind kind, long multiplyAccumulates)
        {
            long flops = checked(2 * multiplyAccumulates);
            byPart[part] = byPart.GetValueOrDefault(part) + flops;
            byKind[kind] += flops;
        }

        public MagNetFlopCount ToCount() => new(byPart, byKind);
    }
}
