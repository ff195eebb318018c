using System.Collections.Immutable;

namespace MnistGen.Core.Functional;

/// <summary>What went wrong, for a person: <see cref="Message"/> is one sentence that says what to fix.</summary>
/// <param name="Message">One sentence for the user, naming what is wrong and what to do.</param>
/// <param name="Kind">BadInput (exit code 2) or Failure (exit code 1).</param>
/// <param name="Code">What went wrong, for code: callers that treat some errors differently test this, never the message.</param>
public sealed record Error(string Message, ErrorKind Kind = ErrorKind.BadInput, ErrorCode Code = ErrorCode.Unclassified)
{
    /// <summary>The message.</summary>
    public override string ToString() => Message;
}

/// <summary>Whose the error is: the caller's input, or something that failed while doing right.</summary>
public enum ErrorKind
{
    /// <summary>Bad input (a wrong value, a missing file): the user can fix it; the CLI exits with code 2.</summary>
    BadInput,
    /// <summary>Something failed that the input did not cause (I/O, LibTorch); the CLI exits with code 1.</summary>
    Failure,
}

/// <summary>A value or every error that prevented it. Validation accumulates; nothing here throws.</summary>
public readonly record struct Result<T>
{
    private readonly T? _value;

    private Result(T? value, ImmutableArray<Error> errors) => (_value, Errors) = (value, errors);

    /// <summary>Every error, or empty when the result holds a value.</summary>
    public ImmutableArray<Error> Errors { get; }
    /// <summary>True when the result holds a value (no errors).</summary>
    public bool IsOk => Errors.IsDefaultOrEmpty;
    /// <summary>The value; throws <see cref="InvalidOperationException"/> naming the errors when there is none.</summary>
    public T Value => IsOk ? _value! : throw new InvalidOperationException("Result holds errors: " + string.Join("; ", Errors));

    /// <summary>A result holding <paramref name="value"/>.</summary>
    public static Result<T> Ok(T value) => new(value, ImmutableArray<Error>.Empty);
    /// <summary>A result holding one error.</summary>
    public static Result<T> Fail(Error error) => new(default, [error]);
    /// <summary>A result holding these errors.</summary>
    public static Result<T> Fail(IEnumerable<Error> errors) => new(default, [.. errors]);

    /// <summary>A value is a successful result.</summary>
    public static implicit operator Result<T>(T value) => Ok(value);
    /// <summary>An error is a failed result.</summary>
    public static implicit operator Result<T>(Error error) => Fail(error);

    /// <summary>The value mapped, or the same errors.</summary>
    public Result<TOut> Map<TOut>(Func<T, TOut> map) => IsOk ? Result<TOut>.Ok(map(_value!)) : Result<TOut>.Fail(Errors);
    /// <summary>The next step's result on the value, or the same errors (the step does not run).</summary>
    public Result<TOut> Bind<TOut>(Func<T, Result<TOut>> bind) => IsOk ? bind(_value!) : Result<TOut>.Fail(Errors);

    /// <summary><paramref name="ok"/> of the value, or <paramref name="fail"/> of the errors.</summary>
    public TOut Match<TOut>(Func<T, TOut> ok, Func<ImmutableArray<Error>, TOut> fail) => IsOk ? ok(_value!) : fail(Errors);
}

internal static class Result
{
    /// <summary>Combines independent validations, keeping every error of every part.</summary>
    public static Result<(T1, T2)> Combine<T1, T2>(Result<T1> a, Result<T2> b) =>
        a.IsOk && b.IsOk
            ? Result<(T1, T2)>.Ok((a.Value, b.Value))
            : Result<(T1, T2)>.Fail(ErrorsOf(a.Errors).Concat(ErrorsOf(b.Errors)));

    private static ImmutableArray<Error> ErrorsOf(ImmutableArray<Error> errors) => errors.IsDefault ? [] : errors;
}
