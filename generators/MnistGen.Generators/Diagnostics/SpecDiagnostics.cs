using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using MnistGen.Generators.Common;

namespace MnistGen.Generators.Diagnostics;

/// <summary>
/// The one catalogue of spec diagnostics. Ids are stable (MNG0001...); every one is an error located in
/// the spec file, and messages name the valid alternatives where there are any.
/// </summary>
internal static class SpecDiagnostics
{
    private const string Category = "MnistGen.Spec";

    public static readonly DiagnosticDescriptor YamlSyntax = Error("MNG0001", "YAML syntax error",
        "YAML syntax error: {0}");

    public static readonly DiagnosticDescriptor UnknownKey = Error("MNG0002", "Unknown key",
        "Unknown key '{0}' in {1}.{2} Valid keys: {3}.");

    public static readonly DiagnosticDescriptor UnknownLayerKind = Error("MNG0003", "Unknown layer kind",
        "Unknown layer kind '{0}'.{1} Valid kinds: {2}.");

    public static readonly DiagnosticDescriptor UnknownValue = Error("MNG0004", "Unknown value",
        "Unknown {0} '{1}'.{2} Valid values: {3}.");

    public static readonly DiagnosticDescriptor WrongType = Error("MNG0005", "Wrong type",
        "'{0}' must be {1}, not {2}.");

    public static readonly DiagnosticDescriptor OutOfRange = Error("MNG0006", "Value out of range",
        "'{0}' is {1} but must be {2}.");

    public static readonly DiagnosticDescriptor MissingKey = Error("MNG0007", "Missing required key",
        "Missing required key '{0}' in {1}.");

    public static readonly DiagnosticDescriptor InvalidName = Error("MNG0008", "Invalid name",
        "'{0}' is not a valid {1} name: {2}.");

    public static readonly DiagnosticDescriptor DuplicateLayerName = Error("MNG0009", "Duplicate layer name",
        "Layer name '{0}' is already used by the layer on line {1}; layer names must be unique.");

    public static readonly DiagnosticDescriptor DuplicateClassName = Error("MNG0010", "Duplicate class name",
        "Class name '{0}' is already used by {1}; class names must be unique across specs (ignoring case).");

    public static readonly DiagnosticDescriptor ImpossibleShape = Error("MNG0011", "Impossible shape",
        "Layer '{0}' ({1}) cannot take an input of shape {2}: {3}.");

    public static readonly DiagnosticDescriptor OutputNotClasses = Error("MNG0012", "Output is not [classes]",
        "The network outputs {0}, but dataset '{1}' has {2} classes: the last layers must produce [{2}] (e.g. linear with out: {2}).");

    public static readonly DiagnosticDescriptor InputNotDataset = Error("MNG0013", "Input does not match the dataset",
        "'input' is {0}, but dataset '{1}' has images of shape {2}.");

    public static readonly DiagnosticDescriptor LossMismatch = Error("MNG0014", "Loss does not fit the last layer",
        "Loss '{0}' does not fit the last layer '{1}': {2}.");

    public static readonly DiagnosticDescriptor DuplicateKey = Error("MNG0015", "Duplicate key",
        "Key '{0}' appears twice in {1}; the first is on line {2}.");

    public static readonly DiagnosticDescriptor InternalError = Error("MNG0016", "Spec compiler failure",
        "The spec compiler failed on this spec ({0}: {1}); this is a bug in MnistGen, please report it with the spec.");

    public static readonly DiagnosticDescriptor Unreadable = Error("MNG0017", "Unreadable spec",
        "The spec file could not be read: {0}.");

    public static ImmutableArray<DiagnosticDescriptor> All { get; } = ImmutableArray.Create(
        YamlSyntax, UnknownKey, UnknownLayerKind, UnknownValue, WrongType, OutOfRange, MissingKey, InvalidName,
        DuplicateLayerName, DuplicateClassName, ImpossibleShape, OutputNotClasses, InputNotDataset, LossMismatch,
        DuplicateKey, InternalError, Unreadable);

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = All.ToDictionary(d => d.Id);

    public static DiagnosticDescriptor Get(string id) => ById[id];

    public static SpecDiagnostic Create(DiagnosticDescriptor descriptor, SourceSpan span, params string[] args) =>
        new(descriptor.Id, span, EquatableArray.Create(args));

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}
