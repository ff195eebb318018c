using System.Collections.Immutable;
using MnistGen.Core.Functional;
using MnistGen.Text;

namespace MnistGen.Core.Specs;

/// <summary>
/// Looking up an architecture by the name a person types: its spec id (<c>cnn-5x5</c>, the file stem) or
/// its class name (<c>Cnn5x5</c>), ignoring case. Pure: the list of architectures is a parameter
/// (the generated <c>MnistGen.Models.Architectures.All</c> in the product, anything in tests).
/// </summary>
public static class ArchitectureCatalog
{
    /// <summary>The architecture whose id or class name is <paramref name="name"/>; an id match wins over a class-name match.</summary>
    public static Result<ArchitectureSpec> Find(IEnumerable<ArchitectureSpec> architectures, string? name)
    {
        var all = architectures.ToImmutableArray();
        var wanted = name?.Trim() ?? "";
        if (wanted.Length == 0) return new Error("Name an architecture: " + Known(all) + ".", Code: ErrorCode.UnknownArchitecture);

        var match = all.FirstOrDefault(a => string.Equals(a.Id, wanted, StringComparison.OrdinalIgnoreCase))
                    ?? all.FirstOrDefault(a => string.Equals(a.Name, wanted, StringComparison.OrdinalIgnoreCase));
        if (match is not null) return match;

        if (all.IsEmpty) return new Error($"Unknown architecture '{wanted}': no architectures are defined (add a spec to specs/ and build).", Code: ErrorCode.UnknownArchitecture);
        var suggestion = DidYouMean.Closest(wanted, all.Select(a => a.Id).Concat(all.Select(a => a.Name)));
        var didYouMean = DidYouMean.Phrase(suggestion is null ? null : all.First(a => a.Id == suggestion || a.Name == suggestion).Id);
        return new Error($"Unknown architecture '{wanted}'.{didYouMean} Known architectures: {Known(all)}.", Code: ErrorCode.UnknownArchitecture);
    }

    private static string Known(ImmutableArray<ArchitectureSpec> all) =>
        all.IsEmpty ? "none are defined" : string.Join(", ", all.Select(a => $"{a.Id} ({a.Name})"));
}
