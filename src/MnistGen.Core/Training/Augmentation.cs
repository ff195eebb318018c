using MnistGen.Core.Specs;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistGen.Core.Training;

/// <summary>
/// Random shifts and rotations of a training batch, one affine warp per image (affine_grid + grid_sample,
/// one call each for the whole batch). The angles and shifts come from <see cref="SplitMix64"/>, seeded per
/// (seed, epoch), so a resumed epoch sees the same images. Test images are never augmented.
/// </summary>
internal sealed class Augmenter(AugmentConfig config, double background)
{
    private SplitMix64 _rng;

    public bool IsIdentity => config.MaxShift == 0 && config.MaxRotationDegrees == 0;

    /// <summary>Restarts the random stream for an epoch.</summary>
    public void StartEpoch(long seed, int epoch) => _rng = new SplitMix64(Shuffle.DeriveSeed(seed, epoch, Shuffle.Stream.Augment));

    /// <summary>Pure given the stream: the [count, 2, 3] affine matrices (output to input, normalised coordinates), row-major.</summary>
    public float[] NextThetas(int count, int height, int width)
    {
        var theta = new float[count * 6];
        for (var i = 0; i < count; i++)
        {
            var angle = (2 * _rng.NextDouble() - 1) * config.MaxRotationDegrees * Math.PI / 180;
            // A shift of s pixels is 2s/size in grid_sample's [-1, 1] coordinates.
            var dx = (2 * _rng.NextDouble() - 1) * config.MaxShift * 2.0 / width;
            var dy = (2 * _rng.NextDouble() - 1) * config.MaxShift * 2.0 / height;
            var (sin, cos) = Math.SinCos(angle);
            theta[6 * i + 0] = (float)cos; theta[6 * i + 1] = (float)-sin; theta[6 * i + 2] = (float)dx;
            theta[6 * i + 3] = (float)sin; theta[6 * i + 4] = (float)cos; theta[6 * i + 5] = (float)dy;
        }
        return theta;
    }

    /// <summary>Warps a batch [B, C, H, W]; pixels that come from outside the image get the background value.</summary>
    public Tensor Apply(Tensor images)
    {
        if (IsIdentity) return images;
        var (b, h, w) = ((int)images.shape[0], (int)images.shape[2], (int)images.shape[3]);
        var theta = tensor(NextThetas(b, h, w), [b, 2, 3], dtype: ScalarType.Float32, device: images.device);
        var grid = F.affine_grid(theta, images.shape, align_corners: false);
        // grid_sample pads with zeros: shift the background to zero around the warp.
        return F.grid_sample(images - background, grid, align_corners: false).add_(background);
    }
}
