using System.Runtime.CompilerServices;
using MnistGen.Tests.Shared;
using MnistGen.Core.Runtime;

namespace MnistGen.Models.Tests;

internal static class TestSetup
{
    [ModuleInitializer]
    internal static void Init()
    {
        TorchRuntime.PrepareProcess();
        SnapshotPolicy.StrictOnCi();
    }
}
