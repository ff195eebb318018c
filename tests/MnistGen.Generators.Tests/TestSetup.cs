using System.Runtime.CompilerServices;
using MnistGen.Tests.Shared;

namespace MnistGen.Generators.Tests;

internal static class TestSetup
{
    [ModuleInitializer]
    internal static void Init()
    {
        SnapshotPolicy.StrictOnCi();
    }
}
