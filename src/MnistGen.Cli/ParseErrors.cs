using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Runtime.CompilerServices;
using MnistGen.Text;

namespace MnistGen.Cli;

/// <summary>
/// Turns System.CommandLine's parse errors into the CLI's own one-line sentences: no .NET type names, no
/// multi-line lists, one line per mistake, each naming the option or command and what to give instead.
/// The translation reads the parse result's structure (which symbol failed, with which tokens), not the
/// library's message text, which is localised and may change.
/// </summary>
internal static class ParseErrors
{
    private static readonly ConditionalWeakTable<Option, string[]> Choices = new();

    /// <summary><c>AcceptOnlyFromAmong</c>, remembering the values so a refusal can list them on one line.</summary>
    public static Option<T> OneOf<T>(Option<T> option, params string[] values)
    {
        option.AcceptOnlyFromAmong(values);
        Choices.AddOrUpdate(option, values);
        return option;
    }

    public static IReadOnlyList<string> Describe(ParseResult parse)
    {
        var lines = new List<string>();
        var command = parse.CommandResult.Command;
        var hint = $" See '{CommandPath(parse.CommandResult)} --help'.";
        // 'train mlp --device --epochs 3': the parser gives --device the value '--epochs' and leaves '3' over, so
        // the messages it leads to (an extra argument '3', or '--epochs' is not a whole number) miss the mistake.
        if (SwallowedOption(parse.CommandResult) is { } swallowed) return [swallowed + hint];
        if (parse.UnmatchedTokens.Count > 0)
            lines.Add(Unmatched(parse.UnmatchedTokens[0], parse.CommandResult) + hint);
        foreach (var error in parse.Errors)
        {
            var line = error.SymbolResult switch
            {
                OptionResult o => OptionError(o, error.Message),
                ArgumentResult { Parent: OptionResult o } => OptionError(o, error.Message),
                ArgumentResult a => ArgumentError(a.Argument, a.Tokens, a.Parent as CommandResult ?? parse.CommandResult, error.Message),
                CommandResult c when parse.UnmatchedTokens.Count > 0 => null, // said above, once
                CommandResult c when c.Command.Subcommands.Count > 0 && c.Command.Arguments.Count == 0 =>
                    $"'{CommandPath(c)}' needs a command: {string.Join(", ", c.Command.Subcommands.Where(s => !s.Hidden).Select(s => s.Name))}.",
                CommandResult c when MissingArgument(c) is { } missing =>
                    $"'{CommandPath(c)}' needs its {missing.Name} argument{Described(missing)}.",
                _ => error.Message,
            };
            if (line is not null) lines.Add(line.EndsWith(" --help'.", StringComparison.Ordinal) ? line : line + hint);
        }
        if (lines.Count == 0) lines.Add("the command line could not be read." + hint);
        return [.. lines.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The first option whose value is the name of another option of the command: a value left out.</summary>
    private static string? SwallowedOption(CommandResult at)
    {
        var names = at.Command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var result in at.Children.OfType<OptionResult>())
        {
            if (result.Implicit || result.Tokens.Count == 0) continue;
            var value = result.Tokens[0].Value;
            if (!names.Contains(value)) continue;
            var option = result.Option;
            var name = result.IdentifierToken?.Value ?? option.Name;
            return NeedsValue(name, option) + $" before {value}.";
        }
        return null;
    }

    /// <summary>"--epochs needs a value (N)": the option as written, and its help name when it has one.</summary>
    private static string NeedsValue(string name, Option option) =>
        $"{name} needs a value{(option.HelpName is { } help ? $" ({help})" : "")}";

    private static string Unmatched(string token, CommandResult at)
    {
        var command = at.Command;
        var path = CommandPath(at);
        if (token.StartsWith('-'))
        {
            var options = command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).ToArray();
            return $"'{path}' has no option '{token}'.{DidYouMean.Phrase(DidYouMean.Closest(token, options))}";
        }
        if (command.Subcommands.Count > 0)
        {
            var names = command.Subcommands.Where(s => !s.Hidden).Select(s => s.Name).ToArray();
            return $"'{token}' is not a command of '{path}'.{DidYouMean.Phrase(DidYouMean.Closest(token, names))} The commands: {string.Join(", ", names)}.";
        }
        return $"'{path}' was given an extra argument '{token}'.";
    }

    private static string OptionError(OptionResult result, string message)
    {
        var option = result.Option;
        var name = result.IdentifierToken?.Value ?? option.Name;
        var value = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
        if (value is null)
            return result.Implicit ? message : NeedsValue(name, option) + ".";
        if (Choices.TryGetValue(option, out var choices) && !choices.Contains(value, StringComparer.Ordinal))
            return $"{name} '{value}' is not one of {string.Join(", ", choices)}.{DidYouMean.Phrase(DidYouMean.Closest(value, choices))}";
        return Conversion(name, value, option.ValueType) ?? message;
    }

    private static string ArgumentError(Argument argument, IReadOnlyList<Token> tokens, CommandResult at, string message)
    {
        if (tokens.Count == 0) return $"'{CommandPath(at)}' needs its {argument.Name} argument{Described(argument)}.";
        return Conversion(argument.Name, tokens[^1].Value, argument.ValueType) ?? message;
    }

    /// <summary>A sentence for a value that is not of the option's type, or null when the type is not the problem.</summary>
    private static string? Conversion(string name, string value, Type type)
    {
        var element = Nullable.GetUnderlyingType(type) ?? (type.IsArray ? type.GetElementType()! : type);
        return element switch
        {
            _ when element == typeof(int) || element == typeof(long) =>
                long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? null : $"{name} '{value}' is not a whole number.",
            _ when element == typeof(double) || element == typeof(float) =>
                double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? null : $"{name} '{value}' is not a number (write e.g. 0.001 or 1e-3).",
            _ => null,
        };
    }

    private static Argument? MissingArgument(CommandResult result) =>
        result.Command.Arguments.FirstOrDefault(a => a.Arity.MinimumNumberOfValues > 0 && result.GetResult(a) is not { Tokens.Count: > 0 });

    private static string Described(Argument argument) =>
        argument.Description is { Length: > 0 } d ? ": " + char.ToLowerInvariant(d[0]) + d.Split(". ")[0].TrimEnd('.')[1..] : "";

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
            if (r is CommandResult c && c.Parent is not null) names.Add(c.Command.Name);
        names.Add(Invocation.Command);
        names.Reverse();
        return string.Join(' ', names);
    }
}
