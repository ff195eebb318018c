namespace MnistGen.Core.Functional;

/// <summary>
/// What an <see cref="Error"/> is about, so that code can tell errors apart without reading their text.
/// The message stays the user's; the code is the program's.
/// </summary>
public enum ErrorCode
{
    /// <summary>An error no caller needs to tell apart from others (yet).</summary>
    Unclassified = 0,

    /// <summary>A command-line value is out of range (<c>--epochs 0</c>, <c>--threads -1</c>).</summary>
    InvalidOption,

    /// <summary>A value of the training configuration, as the spec or the resumed run gives it, is out of range.</summary>
    InvalidConfig,

    /// <summary>An override differs from the configuration recorded by the run being resumed.</summary>
    ResumeConflict,

    /// <summary>A run was made from another architecture, or another version of its spec.</summary>
    SpecMismatch,

    /// <summary>The loaded data set is not the one the architecture trains on, or not in its shape.</summary>
    DataMismatch,

    /// <summary>The requested device (CUDA) is not available.</summary>
    DeviceUnavailable,

    /// <summary>The LibTorch native libraries could not be loaded.</summary>
    RuntimeUnavailable,

    /// <summary>The path names no run: it does not exist, or has no run.json.</summary>
    RunNotFound,

    /// <summary>A run's run.json or checkpoint cannot be used: unreadable, foreign, truncated, damaged or not the recorded file.</summary>
    RunInvalid,

    /// <summary>No compiled architecture has the name given.</summary>
    UnknownArchitecture,

    /// <summary>A run directory could not be created.</summary>
    OutputUnwritable,
}
