using System.Diagnostics;
using System.Globalization;
using MnistGen.Core.Data;

namespace MnistGen.Cli.Output;

/// <summary>One self-overwriting line per download on a terminal: file, megabytes so far of the total, percent.</summary>
internal sealed class DownloadBar(TextWriter err)
{
    private readonly Stopwatch _sinceDrawn = Stopwatch.StartNew();
    private string? _url;

    public void Report(DownloadProgress progress)
    {
        var done = progress.Total is { } total && progress.Received >= total;
        if (progress.Url == _url && !done && _sinceDrawn.ElapsedMilliseconds < 200) return;
        if (_url is not null && progress.Url != _url) err.WriteLine();
        _url = progress.Url;
        _sinceDrawn.Restart();
        var name = progress.Url[(progress.Url.LastIndexOf('/') + 1)..];
        var text = progress.Total is { } t && t > 0
            ? string.Create(CultureInfo.InvariantCulture, $"  {name}: {progress.Received / 1e6:0.0} of {t / 1e6:0.0} MB ({100.0 * progress.Received / t:0}%)")
            : string.Create(CultureInfo.InvariantCulture, $"  {name}: {progress.Received / 1e6:0.0} MB");
        err.Write("\r" + text.PadRight(60));
        if (done)
        {
            err.WriteLine();
            _url = null;
        }
    }
}
