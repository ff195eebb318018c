using System.Security.Cryptography;

namespace MnistGen.Core.Checkpoints;

/// <summary>
/// Writes a file so that readers see the old content or the new, never a half-written one: the bytes go to a
/// temporary file beside the target, are flushed to disk, and the temporary file is renamed over the target.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes through <paramref name="write"/> and returns the SHA-256 (lower-case hex) of what was written.</summary>
    public static string Write(string path, Action<Stream> write)
    {
        var temp = TempPath(path);
        try
        {
            string hash;
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                using var hashing = new HashingStream(file);
                write(hashing);
                hashing.Flush();
                hash = hashing.HashHex();
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
            return hash;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static string WriteBytes(string path, byte[] bytes) => Write(path, s => s.Write(bytes));

    /// <summary>Writes to the temporary file only; <see cref="Commit"/> renames it. Lets several files be prepared before any is replaced.</summary>
    public static (string Temp, string Hash) Prepare(string path, Action<Stream> write)
    {
        var temp = TempPath(path);
        try
        {
            using var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            using var hashing = new HashingStream(file);
            write(hashing);
            hashing.Flush();
            var hash = hashing.HashHex();
            file.Flush(flushToDisk: true);
            return (temp, hash);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static void Commit(string temp, string path) => File.Move(temp, path, overwrite: true);

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string TempPath(string path) => path + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Forwards writes to the inner stream and hashes them on the way; TorchSharp's writers see an ordinary stream.</summary>
    private sealed class HashingStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _length;

        public string HashHex() => Convert.ToHexStringLower(_hash.GetHashAndReset());

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            inner.Write(buffer);
            _length += buffer.Length;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
