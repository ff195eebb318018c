// Trains DigitsMlp (compiled from specs/digits-mlp.yaml) on MNIST and prints its test accuracy.
// Usage: dotnet run [-- EPOCHS]   (default: the spec's training.epochs). MNIST is fetched into ./data on first use
// (or $MNISTGEN_DATA/mnist); each run is written to runs/digits-mlp/<time>/.
using System.Globalization;
using MnistGen.Core.Data;
using MnistGen.Core.Training;
using MyDigits;

var spec = DigitsMlp.Spec;
int? epochs = null;
if (args.Length > 0)
{
    if (!int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
    {
        Console.Error.WriteLine($"'{args[0]}' is not a number of epochs; give a whole number from 1 up, or nothing for the spec's {spec.Training.Epochs}.");
        return 2;
    }
    epochs = n;
}

var data = DatasetLoader.LoadOrFetch(spec.Training.Dataset, notice: Console.WriteLine);
if (!data.IsOk) { Console.Error.WriteLine(string.Join(Environment.NewLine, data.Errors)); return 1; }
using var dataset = data.Value;

var run = Trainer.Train(spec, dataset, new RunOptions(Epochs: epochs),
    new TrainingCallbacks(OnEpoch: (epoch, _) => Console.WriteLine($"epoch {epoch.Epoch}: train loss {epoch.TrainLoss:F4}, test accuracy {epoch.TestAccuracy:P2}")));
if (!run.IsOk) { Console.Error.WriteLine(string.Join(Environment.NewLine, run.Errors)); return 1; }
Console.WriteLine($"{spec.Name}: test accuracy {run.Value.Final!.TestAccuracy:P2} after {run.Value.EpochsCompleted} epoch(s); run in {run.Value.Directory}");
return 0;
