using Microsoft.CodeAnalysis;

namespace MnistGen.Generators;

/// <summary>Placeholder wiring; replaced by the spec compiler.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class SpecGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
    }
}
