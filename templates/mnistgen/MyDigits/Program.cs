// Trains DigitsMlp (compiled from specs/digits-mlp.yaml) on MNIST and prints its test accuracy.
// Usage: dotnet run [-- EPOCHS]   (default: the spec's training.epochs). MNIST is fetched into ./data on first use
// (or $MNISTGEN_DATA/mnist); each run is written to runs/digits-mlp/<time>/.
using MnistGen.Core.Data;
using MnistGen.Core.Training;
using MyDigits;

var spec = DigitsMlp.Spec;
int? epochs = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : null;

var data = DataFetcher.EnsureAvailable(spec.Training.Dataset, DataDirectory.Resolve(DatasetInfo.For(spec.Training.Dataset), null), Console.WriteLine)
    .Bind(directory => DatasetLoader.Load(spec.Training.Dataset, directory));
if (!data.IsOk) { Console.Error.WriteLine(string.Join(Environment.NewLine, data.Errors)); return 1; }
using var dataset = data.Value;

var run = Trainer.Train(spec, dataset, new RunOptions(Epochs: epochs),
    new TrainingCallbacks(OnEpoch: (epoch, _) => Console.WriteLine($"epoch {epoch.Epoch}: train loss {epoch.TrainLoss:F4}, test accuracy {epoch.TestAccuracy:P2}")));
if (!run.IsOk) { Console.Error.WriteLine(string.Join(Environment.NewLine, run.Errors)); return 1; }
Console.WriteLine($"{spec.Name}: test accuracy {run.Value.Final!.TestAccuracy:P2} after {run.Value.EpochsCompleted} epoch(s); run in {run.Value.Directory}");
return 0;
