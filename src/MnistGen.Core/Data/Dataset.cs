using MnistGen.Core.Specs;
using static TorchSharp.torch;

namespace MnistGen.Core.Data;

/// <summary>
/// One split held in memory: <see cref="Images"/> is float32 [N, 1, 28, 28], already normalised with the
/// dataset's mean and std; <see cref="Labels"/> is int64 [N] with values 0-9. Both live on the CPU.
/// </summary>
public sealed record DataSplit(Tensor Images, Tensor Labels)
{
    /// <summary>Images in the split.</summary>
    public int Count => (int)Labels.shape[0];
}

/// <summary>A loaded dataset: both splits and the statistics used to normalise them.</summary>
public sealed record Dataset(DatasetKind Kind, DataSplit Train, DataSplit Test, double Mean, double Std) : IDisposable
{
    /// <summary>Frees the four tensors.</summary>
    public void Dispose()
    {
        Train.Images.Dispose();
        Train.Labels.Dispose();
        Test.Images.Dispose();
        Test.Labels.Dispose();
    }
}
