using Spectre.Console;

namespace MnistGen.Cli.Output;

/// <summary>Where the shell writes: a Spectre console over the given writer, live widgets only on a real terminal.</summary>
internal sealed class Terminal
{
    public Terminal(TextWriter stdout, TextWriter stderr)
    {
        Out = stdout;
        Err = stderr;
        // Live progress needs a terminal; CI logs and pipes get one plain line per epoch instead.
        Interactive = ReferenceEquals(stdout, System.Console.Out) && !System.Console.IsOutputRedirected
                      && Environment.GetEnvironmentVariable("CI") is null;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = Interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!Interactive) Console.Profile.Width = 120;
    }

    public TextWriter Out { get; }
    public TextWriter Err { get; }
    public bool Interactive { get; }
    public IAnsiConsole Console { get; }

    public void Line(string text) => Out.WriteLine(text);

    /// <summary>Plain text of a table or other widget, for files such as summary.txt.</summary>
    public static string ToText(Spectre.Console.Rendering.IRenderable widget)
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;
        console.Write(widget);
        return writer.ToString();
    }
    public void Notice(string text) => Err.WriteLine(text);
}
