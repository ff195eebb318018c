namespace MnistGen.Core.Training;

/// <summary>
/// Pure, seeded randomness that does not depend on torch: the per-epoch shuffle and the seeds derived
/// from (seed, epoch). SplitMix64 is small, fast and well mixed; the same inputs give the same output on
/// every machine and .NET version.
/// </summary>
internal static class Shuffle
{
    /// <summary>A permutation of 0..n-1 for this seed and epoch (Fisher-Yates over SplitMix64).</summary>
    public static int[] Permutation(long seed, int epoch, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var indices = new int[n];
        for (var i = 0; i < n; i++) indices[i] = i;
        var rng = new SplitMix64(DeriveSeed(seed, epoch, Stream.Shuffle));
        for (var i = n - 1; i > 0; i--)
        {
            var j = rng.NextBelow((uint)(i + 1));
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }
        return indices;
    }

    /// <summary>What each derived seed is for, so that two uses of the same (seed, epoch) never share a stream.</summary>
    public enum Stream : ulong { Shuffle = 1, Torch = 2, Augment = 3, Validation = 4 }

    /// <summary>A 63-bit seed for (seed, epoch, purpose); non-negative so it fits torch.manual_seed.</summary>
    public static long DeriveSeed(long seed, int epoch, Stream stream)
    {
        var x = SplitMix64.Mix((ulong)seed ^ SplitMix64.Mix(((ulong)(uint)epoch << 8) | (ulong)stream));
        return (long)(x >> 1);
    }
}

/// <summary>SplitMix64 (Steele, Lea, Flood 2014), the generator Java's SplittableRandom uses.</summary>
internal struct SplitMix64(long seed)
{
    private ulong _state = (ulong)seed;

    public ulong Next()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, bound) without modulo bias (Lemire's multiply-shift with rejection).</summary>
    public uint NextBelow(uint bound)
    {
        var m = (ulong)(uint)(Next() >> 32) * bound;
        var low = (uint)m;
        if (low < bound)
        {
            var threshold = (uint)(-bound) % bound;
            while (low < threshold)
            {
                m = (ulong)(uint)(Next() >> 32) * bound;
                low = (uint)m;
            }
        }
        return (uint)(m >> 32);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    internal static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
