using MnistGen.Core.Runtime;

namespace MnistGen.Core.Tests.Runtime;

/// <summary>Reading the machine from /proc/cpuinfo text: the three kinds this project has run on, and SMT.</summary>
public class MachineFactsTests
{
    private static string CpuInfo(string vendor, string model, string flags) =>
        $"processor\t: 0\nvendor_id\t: {vendor}\ncpu family\t: 25\nmodel\t\t: 17\nmodel name\t: {model}\nflags\t\t: {flags}\n\nprocessor\t: 1\nvendor_id\t: {vendor}\nmodel name\t: {model}\nflags\t\t: {flags}\n";

    [Fact]
    public void An_amd_epyc_with_avx2_only()
    {
        var m = MachineFacts.Read(CpuInfo("AuthenticAMD", "AMD EPYC", "fpu sse sse2 avx fma avx2 hypervisor bmi2"), "0", 2);
        Assert.Equal(("AMD EPYC", "AMD", 2, 1, true), (m.Model, m.Vendor, m.Cores, m.ThreadsPerCore, m.Virtual));
        Assert.Equal(new[] { "avx2", "fma" }, m.Isa);
        Assert.Equal("amd-avx2", m.Kind);
        Assert.False(m.HasBf16);
        Assert.Equal(2, m.PhysicalCores);
    }

    [Fact]
    public void An_amd_epyc_with_avx512_and_bf16()
    {
        var m = MachineFacts.Read(CpuInfo("AuthenticAMD", "AMD EPYC", "avx2 fma avx512f avx512dq avx512_bf16 avx512_vnni hypervisor"), "0", 2);
        Assert.Equal("amd-avx512-bf16", m.Kind);
        Assert.True(m.HasBf16);
        Assert.False(m.HasAmx);
    }

    [Fact]
    public void An_intel_xeon_with_amx_and_hyper_threading_counts_physical_cores()
    {
        var m = MachineFacts.Read(CpuInfo("GenuineIntel", "Intel(R) Xeon(R) Platinum 8480+", "avx2 fma avx512f avx512_bf16 amx_bf16 amx_tile amx_int8"), "0,2", 4);
        Assert.Equal(("Intel", 2, 2, false), (m.Vendor, m.ThreadsPerCore, m.PhysicalCores, m.Virtual));
        Assert.Equal("intel-avx512-bf16-amx", m.Kind);
        Assert.Contains("bare metal", m.Describe());
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData("0", 1)]
    [InlineData("0,64", 2)]
    [InlineData("0-1", 2)]
    [InlineData("0-3,8", 5)]
    [InlineData("garbage", 1)]
    public void Thread_sibling_lists_are_counted(string? list, int expected) =>
        Assert.Equal(expected, MachineFacts.SiblingCount(list));

    [Fact]
    public void Unknown_text_gives_a_usable_answer()
    {
        var m = MachineFacts.Read("", null, 0);
        Assert.Equal(("unknown CPU", 1, 1), (m.Model, m.Cores, m.PhysicalCores));
        Assert.Empty(m.Isa);
        Assert.Equal("unknown-sse", m.Kind);
    }

    [Fact]
    public void This_machine_is_read_without_error()
    {
        var m = MachineFacts.Current;
        Assert.Equal(Environment.ProcessorCount, m.Cores);
        Assert.InRange(m.PhysicalCores, 1, Environment.ProcessorCount);
        if (File.Exists("/proc/cpuinfo")) Assert.NotEqual("unknown CPU", m.Model);
    }
}
