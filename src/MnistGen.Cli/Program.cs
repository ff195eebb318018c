using MnistGen.Cli;

MnistGen.Core.Runtime.StartupTrace.Mark("main");
MnistGen.Core.Runtime.TorchRuntime.PrepareProcess();
return Cli.Run(args, Console.Out, Console.Error);
