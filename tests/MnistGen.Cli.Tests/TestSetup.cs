using System.Runtime.CompilerServices;
using MnistGen.Core.Runtime;

namespace MnistGen.Cli.Tests;

internal static class TestSetup
{
    [ModuleInitializer]
    internal static void Init() => TorchRuntime.PrepareProcess();
}
