using System.Collections.Generic;
using System.Linq;
using MnistGen.Vocabulary;

namespace MnistGen.Generators.Language;

/// <summary>
/// THE key table of the spec language: every key, its type, range, default and documentation. The binder
/// reads defaults only from here; <see cref="SchemaWriter"/> turns it into specs/mnistgen-spec.schema.json
/// and <see cref="ReferenceWriter"/> into specs/README.md.
/// </summary>
internal static class SpecLanguage
{
    private static readonly IntType Positive = new(1, int.MaxValue);
    private static readonly IntType Size = new(1, 1 << 20);
    private static readonly NumberType Probability = new(0, false, 1, true);
    private static readonly NumberType PositiveNumber = new(0, true, double.PositiveInfinity, false);
    private static readonly NumberType NonNegativeNumber = new(0, false, double.PositiveInfinity, false);
    private static readonly BoolType Bool = new();

    /// <summary>The layer kinds: each one's entry comes from its descriptor (Layers/, registered in LayerKinds).</summary>
    public static readonly UnionType Layer = new("layer", isLayer: true,
        Layers.LayerKinds.All.Select(kind => kind.Entry).ToArray(),
        Field.Opt("name", new IdentifierType("layer"), null,
            "The layer's name: the generated field and so the state_dict prefix (conv1.weight).",
            defaultText: "conv1, conv2, ... for conv2d; fc1, fc2, ... for linear; bn1, ... for batch_norm; kind_1, ... otherwise"));

    public static readonly EnumType Dataset = new("dataset",
        new EnumValue(SpecVocabulary.Mnist, "Mnist", "MNIST handwritten digits: 60,000 training and 10,000 test images of [1, 28, 28], 10 classes."),
        new EnumValue(SpecVocabulary.FashionMnist, "FashionMnist", "Fashion-MNIST clothing images, same format as MNIST, 10 classes."));

    public static readonly UnionType Loss = new("loss", isLayer: false,
        [
            new Variant("nll", "Nll", "Negative log-likelihood of log-probabilities: the last layer must be log_softmax.", null),
            new Variant("cross_entropy", "CrossEntropy", "Cross-entropy of logits (log_softmax is applied inside the loss).", null,
                Field.Opt("label_smoothing", Probability, 0.0, "Share of the target spread uniformly over all classes.")),
        ]);

    private static readonly ListType Betas = new(Probability, 2, 2, "a list of two numbers [beta1, beta2]");

    public static readonly UnionType Optimizer = new("optimizer", isLayer: false,
        [
            new Variant(SpecVocabulary.Sgd, "Sgd", "Stochastic gradient descent; 'sgd: 0.01' sets lr.", "lr",
                Field.Req("lr", PositiveNumber, "Learning rate."),
                Field.Opt("momentum", Probability, 0.0, "Momentum factor."),
                Field.Opt("nesterov", Bool, false, "Nesterov momentum (needs momentum > 0)."),
                Field.Opt("weight_decay", NonNegativeNumber, 0.0, "L2 penalty.")),
            new Variant(SpecVocabulary.Adam, "Adam", "Adam; 'adam: 0.001' sets lr.", "lr",
                Field.Opt("lr", PositiveNumber, 0.001, "Learning rate."),
                Field.Opt("betas", Betas, new[] { 0.9, 0.999 }, "Decay rates of the first and second moment estimates."),
                Field.Opt("weight_decay", NonNegativeNumber, 0.0, "L2 penalty.")),
            new Variant(SpecVocabulary.AdamW, "AdamW", "Adam with decoupled weight decay; 'adamw: 0.001' sets lr.", "lr",
                Field.Opt("lr", PositiveNumber, 0.001, "Learning rate."),
                Field.Opt("betas", Betas, new[] { 0.9, 0.999 }, "Decay rates of the first and second moment estimates."),
                Field.Opt("weight_decay", NonNegativeNumber, 0.01, "Decoupled weight decay.")),
        ]);

    public static readonly EnumType SchedulePer = new("schedule unit",
        new EnumValue("epoch", "Epoch", "The rate is set once at the start of each epoch."),
        new EnumValue("step", "Step", "The rate is set before every optimizer step (like PyTorch's OneCycleLR stepped per batch)."));

    private static Field Per() => Field.Opt("per", SchedulePer, "epoch",
        "Whether the rate changes once per epoch or at every optimizer step; with one epoch only 'step' anneals.");

    public static readonly UnionType Schedule = new("schedule", isLayer: false,
        [
            new Variant("none", "None", "A constant learning rate.", null),
            new Variant("step", "Step", "Multiplies the learning rate by gamma every few epochs; 'step: 5' sets every.", "every",
                Field.Req("every", Positive, "Epochs between two decays."),
                Field.Opt("gamma", new NumberType(0, true, 1, false), 0.1, "Decay factor.")),
            new Variant("cosine", "Cosine", "Cosine annealing from lr towards 0 over all epochs (or all steps).", null,
                Per()),
            new Variant("one_cycle", "OneCycle", "One-cycle policy peaking at max_lr; 'one_cycle: 0.1' sets max_lr.", "max_lr",
                Field.Req("max_lr", PositiveNumber, "Peak learning rate."),
                Per()),
        ]);

    public static readonly ObjectType Augment = new("augment",
        "Random transformations of training images only (test images are never augmented).",
        Field.Opt("max_shift", new IntType(0, SpecVocabulary.MaxShiftLimit), 2, "Largest random shift in pixels, horizontally and vertically."),
        Field.Opt("max_rotation", new NumberType(0, false, SpecVocabulary.MaxRotationLimit, false), 10.0, "Largest random rotation in degrees, either way."));

    public static readonly ObjectType Training = new("training", "How to train the architecture.",
        Field.Opt("dataset", Dataset, SpecVocabulary.Mnist, "The data set."),
        Field.Req("loss", Loss, "The loss function."),
        Field.Req("optimizer", Optimizer, "The optimizer and its hyper-parameters."),
        Field.Opt("batch_size", new IntType(1, 65536), 64, "Training images per step."),
        Field.Opt("epochs", new IntType(1, 100000), 10, "Passes over the training set."),
        Field.Opt("seed", new IntType(0, int.MaxValue), 1, "Seeds parameter initialisation, shuffling, dropout and augmentation."),
        Field.Opt("schedule", Schedule, "none", "Learning-rate schedule, applied per epoch (or per step: see per)."),
        Field.Opt("augment", Augment, null, "Training-time augmentation; absent: none.", defaultText: "none"));

    public static readonly ObjectType Expected = new("expected", "What the architecture's source reports, for comparison.",
        Field.Req("accuracy", new NumberType(0, true, 1, false), "Test accuracy as a fraction, e.g. 0.992."));

    public static readonly ObjectType Root = new("the spec", "An architecture spec: one file in specs/ becomes one generated TorchSharp module.",
        Field.Req("name", new IdentifierType("class"), "The generated C# class name, e.g. Cnn5x5: a C# identifier starting with a capital letter, unique across specs."),
        Field.Opt("description", new TextType(), "", "One line about the architecture, shown by the CLI and in the generated doc comment."),
        Field.Req("input", new ListType(Size, 3, 3, "a list of three integers [channels, height, width]"),
            "Shape of one image, [channels, height, width]; every other shape is inferred from it."),
        Field.Req("layers", new ListType(Layer, 1, 1000, "a list of layers"), "The layers, in order."),
        Field.Req("training", Training, "How to train it."),
        Field.Opt("expected", Expected, null, "What the architecture's source reports; absent: nothing to compare against.", defaultText: "none"));

    /// <summary>What each dataset's images and labels look like.</summary>
    public static readonly IReadOnlyDictionary<string, (int[] Shape, int Classes)> DatasetShapes = new Dictionary<string, (int[], int)>
    {
        [SpecVocabulary.Mnist] = ([1, 28, 28], 10),
        [SpecVocabulary.FashionMnist] = ([1, 28, 28], 10),
    };

    public static IEnumerable<UnionType> Unions => [Layer, Loss, Optimizer, Schedule];
    public static IEnumerable<ObjectType> Objects => [Root, Training, Augment, Expected];
}
