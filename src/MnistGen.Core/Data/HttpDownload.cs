using System.Globalization;
using System.Net;
using System.Net.Http;
using MnistGen.Core.Functional;

namespace MnistGen.Core.Data;

/// <param name="StallTimeout">How long the server may send nothing (no headers, no body bytes) before the attempt is abandoned.</param>
/// <param name="TotalTimeout">The most one file may take, over all its attempts.</param>
/// <param name="Attempts">Tries per file for errors that may pass (connection lost, stall, 5xx, 408, 429).</param>
/// <param name="FirstBackoff">The wait before the second try; it doubles before each further one.</param>
/// <param name="MaxBytes">A body larger than this is refused (the largest data-set file is ~30 MB compressed).</param>
internal sealed record DownloadSettings(TimeSpan StallTimeout, TimeSpan TotalTimeout, int Attempts, TimeSpan FirstBackoff, long MaxBytes)
{
    public static DownloadSettings Default { get; } = new(
        StallTimeout: TimeSpan.FromSeconds(30), TotalTimeout: TimeSpan.FromMinutes(15), Attempts: 3,
        FirstBackoff: TimeSpan.FromSeconds(1), MaxBytes: 256L * 1024 * 1024);
}

/// <summary>How far one download has come; <paramref name="Total"/> is null when the server did not say.</summary>
internal sealed record DownloadProgress(string Url, long Received, long? Total);

/// <summary>
/// Downloads one URL to a file with <see cref="HttpClient"/>: streamed to a temporary file beside the target,
/// renamed into place only when the body arrived whole (never a partial file under the target's name);
/// stalls and the total time are bounded; errors that may pass are retried with a doubling back-off.
/// Whether the content is what was wanted is the caller's question (the SHA-256 check).
/// </summary>
internal static class HttpDownload
{
    // One client for the process (sockets are pooled); timeouts are per request, through cancellation.
    private static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(30),
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        DefaultRequestHeaders = { { "User-Agent", "mnistgen" } },
    };

    public static Result<string> ToFile(string url, string target, DownloadSettings settings, Action<DownloadProgress>? progress = null) =>
        ToFileAsync(url, target, settings, progress).GetAwaiter().GetResult();

    public static async Task<Result<string>> ToFileAsync(string url, string target, DownloadSettings settings, Action<DownloadProgress>? progress)
    {
        using var total = new CancellationTokenSource(settings.TotalTimeout);
        Error? last = null;
        for (var attempt = 1; attempt <= settings.Attempts; attempt++)
        {
            if (attempt > 1)
            {
                var wait = settings.FirstBackoff * Math.Pow(2, attempt - 2);
                try { await Task.Delay(wait, total.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
            }
            var (result, retry) = await AttemptAsync(url, target, settings, progress, total.Token).ConfigureAwait(false);
            if (result.IsOk || !retry) return result;
            last = result.Errors[0];
        }
        var tries = string.Create(CultureInfo.InvariantCulture, $"{settings.Attempts} tries");
        return last is null
            ? new Error(string.Create(CultureInfo.InvariantCulture, $"{url}: gave up after {settings.TotalTimeout.TotalSeconds:0} s."), ErrorKind.Failure)
            : last with { Message = last.Message.TrimEnd('.') + $" (after {tries})." };
    }

    /// <summary>One try; says whether another may succeed.</summary>
    private static async Task<(Result<string> Result, bool Retry)> AttemptAsync(
        string url, string target, DownloadSettings settings, Action<DownloadProgress>? progress, CancellationToken total)
    {
        var temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(target))!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.partial");
        long received = 0;
        long? length = null;
        try
        {
            using var headers = CancellationTokenSource.CreateLinkedTokenSource(total);
            headers.CancelAfter(settings.StallTimeout);
            using var response = await Client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, headers.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var code = (int)response.StatusCode;
                var retry = code >= 500 || code is 408 or 429;
                return (Fail(url, string.Create(CultureInfo.InvariantCulture, $"the server answered HTTP {code} {response.ReasonPhrase}")), retry);
            }
            length = response.Content.Headers.ContentLength;
            if (length > settings.MaxBytes)
                return (Fail(url, string.Create(CultureInfo.InvariantCulture, $"the server announces {length} bytes, more than the {settings.MaxBytes} accepted")), false);

            await using (var body = await response.Content.ReadAsStreamAsync(total).ConfigureAwait(false))
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var buffer = new byte[1 << 16];
                while (true)
                {
                    using var stall = CancellationTokenSource.CreateLinkedTokenSource(total);
                    stall.CancelAfter(settings.StallTimeout);
                    var read = await body.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
                    if (read == 0) break;
                    received += read;
                    if (received > settings.MaxBytes)
                        return (Fail(url, string.Create(CultureInfo.InvariantCulture, $"the body is longer than the {settings.MaxBytes} bytes accepted")), false);
                    await file.WriteAsync(buffer.AsMemory(0, read), total).ConfigureAwait(false);
                    progress?.Invoke(new DownloadProgress(url, received, length));
                }
                await file.FlushAsync(total).ConfigureAwait(false);
            }
            if (length is { } expected && received != expected)
                return (Fail(url, string.Create(CultureInfo.InvariantCulture, $"the body ended after {received} of {expected} bytes")), true);
            File.Move(temp, target, overwrite: true);
            return (target, false);
        }
        catch (OperationCanceledException) when (total.IsCancellationRequested)
        {
            return (Fail(url, string.Create(CultureInfo.InvariantCulture, $"it did not finish within {settings.TotalTimeout.TotalSeconds:0} s")), false);
        }
        catch (OperationCanceledException)
        {
            return (Fail(url, string.Create(CultureInfo.InvariantCulture,
                $"the server sent nothing for {settings.StallTimeout.TotalSeconds:0.#} s (after {received} bytes)")), true);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.NameResolutionError)
        {
            return (Fail(url, $"could not resolve the host {new Uri(url).Host} (no network, or a proxy is needed: HTTPS_PROXY is honoured)"), false);
        }
        catch (Exception e) when (e is HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded }
                                  or HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded })
        {
            return (Fail(url, string.Create(CultureInfo.InvariantCulture,
                $"the connection closed after {received}{(length is { } l ? $" of {l}" : "")} bytes")), true);
        }
        catch (HttpRequestException e)
        {
            return (Fail(url, "could not connect: " + e.Message.TrimEnd('.')), true);
        }
        catch (IOException e)
        {
            return (Fail(url, string.Create(CultureInfo.InvariantCulture, $"the download broke off after {received} bytes: {e.Message.TrimEnd('.')}")), true);
        }
        catch (UnauthorizedAccessException e)
        {
            return (new Error($"Could not write {temp}: {e.Message.TrimEnd('.')}.", ErrorKind.Failure), false);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static Error Fail(string url, string why) => new($"{url}: {why}.", ErrorKind.Failure);
}
