using System.Runtime.CompilerServices;
using MnistGen.Core.Runtime;

namespace MnistGen.Core.Tests;

internal static class TestSetup
{
    [ModuleInitializer]
    internal static void Init() => TorchRuntime.PrepareProcess();
}
