using System.Linq;
using Microsoft.CodeAnalysis.CSharp;

namespace MnistGen.Generators.Emitting;

/// <summary>
/// The namespace the generated models and registry are emitted into, from the <c>MnistGenNamespace</c> build
/// property; a value that is not a C# namespace is an error (emitted as <c>#error</c>, so the build says why).
/// </summary>
internal sealed record GeneratedNamespace(string Name, string? Error)
{
    public const string BuildProperty = "build_property.MnistGenNamespace";

    public static GeneratedNamespace From(string? property)
    {
        var value = property?.Trim() ?? "";
        if (value.Length == 0) return new GeneratedNamespace(ModelEmitter.DefaultNamespace, null);
        if (value.StartsWith("global::", System.StringComparison.Ordinal)) value = value.Substring("global::".Length);
        var parts = value.Split('.');
        var valid = parts.All(p => SyntaxFacts.IsValidIdentifier(p) && SyntaxFacts.GetKeywordKind(p) == SyntaxKind.None);
        return valid
            ? new GeneratedNamespace(value, null)
            : new GeneratedNamespace(ModelEmitter.DefaultNamespace,
                $"MnistGenNamespace '{value}' is not a C# namespace (dotted identifiers such as MyDigits.Models); set it in the project file.");
    }
}
