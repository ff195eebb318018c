using System.Collections.Immutable;
using System.Globalization;
using MnistGen.Core.Specs;

namespace MnistGen.Cli.Output;

/// <summary>Invariant-culture text for numbers and spec parts, shared by every table the shell prints.</summary>
internal static class Format
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Count(long n) => n.ToString("N0", Inv);
    public static string Shape(ImmutableArray<int> shape) => "[" + string.Join(", ", shape.Select(d => d.ToString(Inv))) + "]";
    public static string Percent(double fraction, int decimals = 2) => (fraction * 100).ToString("F" + decimals.ToString(Inv), Inv) + "%";
    public static string Number(double x, string format = "0.####") => x.ToString(format, Inv);
    public static string Seconds(double s) => s < 60 ? s.ToString("0.0", Inv) + " s" : TimeSpan.FromSeconds(s).ToString(@"m\:ss", Inv);

    public static string Dataset(DatasetKind kind) => WireNames.Of(kind);

    public static string Optimizer(OptimizerConfig o) => o.Kind switch
    {
        OptimizerKind.Sgd => WireNames.Of(o.Kind) + " lr=" + Number(o.Lr) + (o.Momentum > 0 ? " momentum=" + Number(o.Momentum) : "") + (o.Nesterov ? " nesterov" : ""),
        OptimizerKind.AdamW => WireNames.Of(o.Kind) + " lr=" + Number(o.Lr) + " wd=" + Number(o.WeightDecay),
        _ => WireNames.Of(o.Kind) + " lr=" + Number(o.Lr),
    };
}
