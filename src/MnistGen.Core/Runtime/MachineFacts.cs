using System.Globalization;

namespace MnistGen.Core.Runtime;

/// <summary>
/// What can be read about the CPU at start-up without running anything: the model, the vector and matrix
/// instruction sets LibTorch's kernels dispatch on, how many cores this process may use, how many hardware
/// threads share a core, and whether it is a virtual machine. The thread policy decides from it, and the
/// benchmark records it so results from different kinds of machine are never mixed.
/// </summary>
/// <param name="Model">The CPU's model name (/proc/cpuinfo), e.g. "AMD EPYC" or "Intel(R) Xeon(R) Platinum 8480+".</param>
/// <param name="Vendor">"AMD", "Intel" or the vendor id as read.</param>
/// <param name="Isa">The instruction-set extensions that matter to LibTorch's CPU kernels, as /proc/cpuinfo names them, e.g. avx2, avx512f, avx512_bf16, amx_tile.</param>
/// <param name="Cores">Processors this process may run on (its affinity mask, which is what <see cref="Environment.ProcessorCount"/> reports).</param>
/// <param name="ThreadsPerCore">Hardware threads per physical core (2 with SMT / hyper-threading, else 1).</param>
/// <param name="Virtual">Whether the CPU reports that it runs under a hypervisor.</param>
internal sealed record MachineFacts(string Model, string Vendor, IReadOnlyList<string> Isa, int Cores, int ThreadsPerCore, bool Virtual)
{
    /// <summary>The extensions looked for, widest last; <see cref="Isa"/> holds those present, in this order.</summary>
    public static readonly string[] KnownIsa = ["avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16"];

    /// <summary>Whether the CPU has native bfloat16 arithmetic (AVX-512 BF16 or AMX BF16).</summary>
    public bool HasBf16 => Isa.Contains("avx512_bf16") || Isa.Contains("amx_bf16");

    /// <summary>Whether the CPU has AMX tiles (Intel Sapphire Rapids and later).</summary>
    public bool HasAmx => Isa.Contains("amx_tile");

    /// <summary>Physical cores available to this process (at least 1).</summary>
    public int PhysicalCores => Math.Max(1, Cores / Math.Max(1, ThreadsPerCore));

    /// <summary>
    /// A short name for the kind of machine, used to keep one benchmark results file per kind:
    /// vendor, then the widest vector ISA, then bf16 / AMX, e.g. "amd-avx2", "amd-avx512-bf16", "intel-avx512-bf16-amx".
    /// </summary>
    public string Kind
    {
        get
        {
            var parts = new List<string> { Vendor.ToLowerInvariant() };
            parts.Add(Isa.Contains("avx512f") ? "avx512" : Isa.Contains("avx2") ? "avx2" : "sse");
            if (HasBf16) parts.Add("bf16");
            if (HasAmx) parts.Add("amx");
            return string.Join('-', parts);
        }
    }

    /// <summary>One line for reports: model, ISA, cores, threads per core, VM or not.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Model} ({Kind}; ISA: {(Isa.Count == 0 ? "none of " + string.Join('/', KnownIsa) : string.Join(' ', Isa))}), {Cores} core(s) available, {ThreadsPerCore} thread(s) per core, {(Virtual ? "virtual machine" : "bare metal")}");

    private static MachineFacts? _current;

    /// <summary>This machine, read once (Linux: /proc/cpuinfo and /sys; elsewhere what .NET reports).</summary>
    public static MachineFacts Current => _current ??= Read(
        File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo") : "",
        ReadSiblings(),
        Environment.ProcessorCount);

    /// <summary>Pure: the facts from the text of /proc/cpuinfo, the first CPU's thread-siblings list (or null) and the processor count.</summary>
    public static MachineFacts Read(string cpuinfo, string? threadSiblings, int cores)
    {
        string? Field(string name) => cpuinfo.Split('\n')
            .FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal) && l.IndexOf(':') > 0 && l[..l.IndexOf(':')].Trim() == name)
            ?.Split(':', 2)[1].Trim();
        var model = Field("model name") ?? "unknown CPU";
        var vendorId = Field("vendor_id") ?? "";
        var vendor = vendorId switch
        {
            "AuthenticAMD" => "AMD",
            "GenuineIntel" => "Intel",
            "" => model.Contains("AMD", StringComparison.OrdinalIgnoreCase) ? "AMD" : model.Contains("Intel", StringComparison.OrdinalIgnoreCase) ? "Intel" : "unknown",
            _ => vendorId,
        };
        var flags = new HashSet<string>((Field("flags") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
        var isa = KnownIsa.Where(flags.Contains).ToArray();
        return new MachineFacts(model, vendor, isa, Math.Max(1, cores), SiblingCount(threadSiblings), flags.Contains("hypervisor"));
    }

    /// <summary>Counts the CPUs in a sysfs list such as "0", "0,64" or "0-1".</summary>
    internal static int SiblingCount(string? list)
    {
        if (string.IsNullOrWhiteSpace(list)) return 1;
        var count = 0;
        foreach (var part in list.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var range = part.Split('-');
            count += range.Length == 2
                && int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out var a)
                && int.TryParse(range[1], NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b >= a
                ? b - a + 1 : 1;
        }
        return Math.Max(1, count);
    }

    private static string? ReadSiblings()
    {
        const string path = "/sys/devices/system/cpu/cpu0/topology/thread_siblings_list";
        try { return File.Exists(path) ? File.ReadAllText(path) : null; }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
