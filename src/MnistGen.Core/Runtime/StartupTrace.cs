using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace MnistGen.Core.Runtime;

/// <summary>
/// Where the time before the first training step goes. With <c>MNISTGEN_TRACE=startup</c> in the environment,
/// each phase marks the moment it ends, measured from the process's start as the kernel recorded it (so the
/// runtime's own start-up, before any managed code, is included), and the marks are written to stderr as one
/// line, <c>mnistgen-startup {json}</c>, when the first epoch ends or the process exits. Off (the default), a
/// mark costs one field read.
/// </summary>
internal static class StartupTrace
{
    /// <summary>The environment variable, and the value that turns the trace on.</summary>
    public const string Variable = "MNISTGEN_TRACE", Value = "startup";

    /// <summary>The prefix of the line written to stderr.</summary>
    public const string Prefix = "mnistgen-startup ";

    private static readonly bool Enabled = string.Equals(Environment.GetEnvironmentVariable(Variable), Value, StringComparison.OrdinalIgnoreCase);
    private static readonly List<(string Phase, double Seconds)> Marks = [];
    private static readonly object Gate = new();
    private static bool _written;

    static StartupTrace()
    {
        if (Enabled) AppDomain.CurrentDomain.ProcessExit += (_, _) => Write();
    }

    /// <summary>Records that <paramref name="phase"/> has just ended (the first mark of a phase counts).</summary>
    public static void Mark(string phase)
    {
        if (!Enabled) return;
        var seconds = SinceProcessStart();
        lock (Gate)
            if (!_written && !Marks.Exists(m => m.Phase == phase)) Marks.Add((phase, seconds));
    }

    /// <summary>Marks <paramref name="phase"/> and writes the line now (the first epoch's end: what follows is steady state).</summary>
    public static void MarkAndWrite(string phase)
    {
        if (!Enabled) return;
        Mark(phase);
        Write();
    }

    private static void Write()
    {
        string line;
        lock (Gate)
        {
            if (_written || Marks.Count == 0) return;
            _written = true;
            line = Format(Marks);
        }
        Console.Error.WriteLine(Prefix + line);
    }

    /// <summary>Pure: the marks as one JSON object, phase name to seconds since the process started, in order.</summary>
    public static string Format(IReadOnlyList<(string Phase, double Seconds)> marks)
    {
        var json = new StringBuilder("{");
        for (var i = 0; i < marks.Count; i++)
        {
            if (i > 0) json.Append(", ");
            json.Append('"').Append(marks[i].Phase).Append("\": ").Append(marks[i].Seconds.ToString("0.0000", CultureInfo.InvariantCulture));
        }
        return json.Append('}').ToString();
    }

    private static double SinceProcessStart()
    {
        try
        {
            using var self = Process.GetCurrentProcess();
            return (DateTime.Now - self.StartTime).TotalSeconds;
        }
        catch (InvalidOperationException) { return double.NaN; }
        catch (NotSupportedException) { return double.NaN; }
    }
}
