using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;

namespace MnistGen.Generators.Binding;

/// <summary>The rules for names that become C#: the class name and layer (field) names.</summary>
internal static class Names
{
    /// <summary>Types the generator itself emits into MnistGen.Models.</summary>
    public static readonly IReadOnlyCollection<string> ReservedClassNames = ["Architectures"];

    /// <summary>
    /// Instance members of TorchSharp's Module&lt;Tensor, Tensor&gt; (a field of the same name would hide one:
    /// warning CS0108, an error here) and the generated class's own members. A test compares this list with
    /// the members TorchSharp really has.
    /// </summary>
    public static readonly ImmutableHashSet<string> ReservedMemberNames = ImmutableHashSet.Create(System.StringComparer.Ordinal,
        // generated
        "Spec", "Scores",
        // TorchSharp.torch.nn.Module / Module<T, TResult> (0.107), instance and static
        "_deviceIndex", "_deviceType", "_internal_buffers", "_internal_params", "_internal_submodules",
        "_named_buffers", "_named_parameters", "_parameters", "_to", "_toEpilog", "add_module", "apply", "bfloat16",
        "buffers", "call", "children", "ClearModules", "ConditionallyRegisterBuffer", "ConditionallyRegisterParameter",
        "cpu", "Create", "cuda", "Dispose", "double", "Equals", "eval", "Finalize", "float", "forward", "get_buffer",
        "get_parameter", "get_submodule", "GetDefaultDeviceAndType", "GetHashCode", "GetName", "GetType", "half",
        "handle", "has_buffer", "has_parameter", "HookRemover", "load", "load_state_dict", "MemberwiseClone",
        "module_post_hooks", "module_pre_hooks", "modules", "name", "named_buffers", "named_children", "named_modules",
        "named_parameters", "parameters", "post_hooks", "pre_hooks", "ReferenceEquals", "register_buffer",
        "register_forward_hook", "register_forward_pre_hook", "register_module", "register_parameter",
        "RegisterComponents", "ReplaceBuffer", "ReplaceParameter", "save", "save_state_dict", "set_submodule",
        "state_dict", "to", "ToString", "train", "training", "type", "zero_grad");

    public static bool IsIdentifier(string name) => SyntaxFacts.IsValidIdentifier(name);

    public static bool IsKeyword(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None;

    /// <summary>Why a class name is not acceptable, or null when it is.</summary>
    public static string? ClassNameProblem(string name)
    {
        if (!IsIdentifier(name)) return "a C# identifier starts with a letter or '_' and contains only letters, digits and '_'";
        if (IsKeyword(name)) return "it is a C# keyword";
        if (!char.IsUpper(name[0])) return $"a class name starts with a capital letter (e.g. '{char.ToUpperInvariant(name[0])}{name.Substring(1)}')";
        if (ReservedClassNames.Contains(name)) return "the generator already emits a class of that name";
        return null;
    }

    /// <summary>Why a layer name is not acceptable, or null when it is.</summary>
    public static string? LayerNameProblem(string name, string className)
    {
        if (!IsIdentifier(name)) return "a layer name is a C# identifier: it starts with a letter or '_' and contains only letters, digits and '_'";
        if (IsKeyword(name)) return "it is a C# keyword";
        if (name.StartsWith("__", System.StringComparison.Ordinal)) return "names starting with '__' are reserved for generated members";
        if (name == className) return "it is the class's own name";
        if (ReservedMemberNames.Contains(name)) return "the generated field would hide a member of TorchSharp's Module";
        return null;
    }

    /// <summary>Default layer names as a PyTorch user writes them, skipping names the spec already uses.</summary>
    public static string NextDefault(string prefix, Dictionary<string, int> counters, ISet<string> taken)
    {
        counters.TryGetValue(prefix, out var n);
        string candidate;
        do
        {
            n++;
            candidate = prefix + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        while (taken.Contains(candidate));
        counters[prefix] = n;
        taken.Add(candidate);
        return candidate;
    }
}
