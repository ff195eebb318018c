using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MnistGen.Core.Tests.Data;

/// <summary>What the test server does with one request.</summary>
/// <param name="Status">HTTP status code.</param>
/// <param name="Body">The body it means to send.</param>
/// <param name="SendBytes">Send only this many body bytes, then close (null: all).</param>
/// <param name="StallAfterBytes">After this many body bytes, go silent for <paramref name="StallFor"/> (null: never).</param>
/// <param name="DeclareLength">Send Content-Length (otherwise the body ends when the connection closes).</param>
/// <param name="Reset">Close with a TCP reset instead of a clean close when cutting the body short.</param>
internal sealed record Reply(
    int Status, byte[] Body, int? SendBytes = null, int? StallAfterBytes = null, TimeSpan StallFor = default, bool DeclareLength = true, bool Reset = false)
{
    public static Reply Ok(byte[] body) => new(200, body);
    public static Reply Code(int status) => new(status, Encoding.ASCII.GetBytes("no"));
}

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 with a raw socket, so tests can send what a real server never
/// would on purpose: a body cut short, a stall mid-body, a reset connection. Loopback only; every request
/// is answered once and the connection closed; it stops when disposed.
/// </summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, int, Reply> _reply;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly Thread _loop;

    /// <param name="reply">Answers (path, how many times this path was asked before) with what to send.</param>
    public LoopbackHttpServer(Func<string, int, Reply> reply)
    {
        _reply = reply;
        _listener.Start();
        // Dedicated threads and blocking sockets: a busy thread pool (tests run in parallel) must not make
        // the server itself look like a stalled one.
        _loop = new Thread(AcceptLoop) { IsBackground = true, Name = "loopback-http" };
        _loop.Start();
    }

    public string BaseUrl => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>Every request path, in arrival order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    private void AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try { socket = _listener.AcceptSocket(); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException) { return; }
            new Thread(() => Serve(socket)) { IsBackground = true }.Start();
        }
    }

    private void Serve(Socket socket)
    {
        using var _ = socket;
        try
        {
            var path = ReadRequestPath(socket);
            if (path is null) return;
            var seen = _requests.Count(p => p == path);
            _requests.Enqueue(path);
            var reply = _reply(path, seen);

            var head = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {reply.Status} {(reply.Status == 200 ? "OK" : "Error")}\r\n")
                .Append("Content-Type: application/octet-stream\r\nConnection: close\r\n");
            if (reply.DeclareLength) head.Append(CultureInfo.InvariantCulture, $"Content-Length: {reply.Body.Length}\r\n");
            socket.Send(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()));

            var send = Math.Min(reply.SendBytes ?? reply.Body.Length, reply.Body.Length);
            var stallAt = reply.StallAfterBytes is { } s ? Math.Min(s, send) : -1;
            if (stallAt >= 0)
            {
                socket.Send(reply.Body.AsSpan(0, stallAt));
                if (_stop.Token.WaitHandle.WaitOne(reply.StallFor)) return;
                socket.Send(reply.Body.AsSpan(stallAt, send - stallAt));
            }
            else
            {
                socket.Send(reply.Body.AsSpan(0, send));
            }
            if (send < reply.Body.Length && reply.Reset) socket.LingerState = new LingerOption(true, 0); // close => RST
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The client gave up (a stall test) or the server is stopping.
        }
    }

    private static string? ReadRequestPath(Socket socket)
    {
        var buffer = new byte[8192];
        var received = 0;
        while (received < buffer.Length)
        {
            var n = socket.Receive(buffer, received, buffer.Length - received, SocketFlags.None);
            if (n == 0) return null;
            received += n;
            var text = Encoding.ASCII.GetString(buffer, 0, received);
            if (text.Contains("\r\n\r\n", StringComparison.Ordinal)) return text.Split(' ')[1];
        }
        return null;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _loop.Join(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
