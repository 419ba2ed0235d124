using System.Diagnostics;
using MagNet.ML.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Benchmarks;

/// <summary>
/// Wall-clock time of each part of one forward pass, under the part names of <see cref="MagNetFlopCount.ByPart"/>:
/// the backbone is driven stage by stage through the encoders' public stage methods (the sequence of
/// <see cref="MagNetBackbone.Forward"/>), the head through its pixel decoder and transformer decoder. On the CPU every
/// operation has finished when its call returns, so no synchronisation is needed.
/// </summary>
internal static class StageProfiler
{
    public static OrderedDictionary<string, double> Run(BenchmarkModel benchmark)
    {
        var seconds = new OrderedDictionary<string, double>();
        var model = benchmark.Model;
        var image = model.ImageModel;
        var text = model.LanguageModel;
        var children = model.Classifier.named_children().ToDictionary(c => c.name, c => c.module);
        var pixelDecoder = (PixelDecoder)children["pixel_decoder"];
        var predictor = (MaskedTransformerDecoder)children["predictor"];

        using var inference = torch.inference_mode();
        using var scope = NewDisposeScope();
        T Time<T>(string part, Func<T> step)
        {
            long start = Stopwatch.GetTimestamp();
            var result = step();
            seconds[part] = seconds.GetValueOrDefault(part) + Stopwatch.GetElapsedTime(start).TotalSeconds;
            return result;
        }

        long height = 0, width = 0;
        var x = Time("image.stem", () => image.ForwardStem(benchmark.Image, out height, out width));
        var attentionMask = benchmark.AttentionMask;
        var (extended, l, wordMask, queryMask) = Time("text.stage1.bert", () =>
        {
            var e = text.ExtendedAttentionMask(attentionMask);
            return (e, text.ForwardEmbeddings(benchmark.InputIds), attentionMask.to_type(ScalarType.Float32).unsqueeze(-1),
                text.PwamQueryMask(attentionMask, e));
        });
        var features = new Tensor[4];
        for (int stage = 0; stage < 4; stage++)
        {
            string name = $"stage{stage + 1}";
            long h = height, w = width;
            var input = x;
            x = Time($"image.{name}.swin", () => image.ForwardStage(stage, input, h, w));
            var words = l;
            l = Time($"text.{name}.bert", () => text.ForwardGroup(stage, words, extended));
            var pixels = x;
            var fused = Time($"image.{name}.fusion", () => image.ForwardFusion(stage, pixels, h, w, l.permute(0, 2, 1), wordMask));
            var current = l;
            l = Time($"text.{name}.fusion", () => text.ForwardFusion(stage, current, pixels, queryMask));
            features[stage] = fused.Feature;
            if (fused.Next is not null)
            {
                x = fused.Next;
                height = fused.NextHeight;
                width = fused.NextWidth;
            }
        }
        using var decoded = Time("head.pixel_decoder", () => pixelDecoder.call(features));
        using var predicted = Time("head.transformer_decoder", () => predictor.call(decoded.MultiScaleFeatures, decoded.MaskFeatures));
        return seconds;
    }
}
