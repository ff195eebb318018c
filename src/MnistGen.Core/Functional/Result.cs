using System.Collections.Immutable;

namespace MnistGen.Core.Functional;

/// <summary>What went wrong, for a person: <see cref="Message"/> is one sentence that says what to fix.</summary>
/// <param name="Kind">BadInput (exit code 2) or Failure (exit code 1).</param>
/// <param name="Code">What went wrong, for code: callers that treat some errors differently test this, never the message.</param>
public sealed record Error(string Message, ErrorKind Kind = ErrorKind.BadInput, ErrorCode Code = ErrorCode.Unclassified)
{
    public override string ToString() => Message;
}

public enum ErrorKind { BadInput, Failure }

/// <summary>A value or every error that prevented it. Validation accumulates; nothing here throws.</summary>
public readonly record struct Result<T>
{
    private readonly T? _value;

    private Result(T? value, ImmutableArray<Error> errors) => (_value, Errors) = (value, errors);

    public ImmutableArray<Error> Errors { get; }
    public bool IsOk => Errors.IsDefaultOrEmpty;
    public T Value => IsOk ? _value! : throw new InvalidOperationException("Result holds errors: " + string.Join("; ", Errors));

    public static Result<T> Ok(T value) => new(value, ImmutableArray<Error>.Empty);
    public static Result<T> Fail(Error error) => new(default, [error]);
    public static Result<T> Fail(IEnumerable<Error> errors) => new(default, [.. errors]);

    public static implicit operator Result<T>(T value) => Ok(value);
    public static implicit operator Result<T>(Error error) => Fail(error);

    public Result<TOut> Map<TOut>(Func<T, TOut> map) => IsOk ? Result<TOut>.Ok(map(_value!)) : Result<TOut>.Fail(Errors);
    public Result<TOut> Bind<TOut>(Func<T, Result<TOut>> bind) => IsOk ? bind(_value!) : Result<TOut>.Fail(Errors);

    public TOut Match<TOut>(Func<T, TOut> ok, Func<ImmutableArray<Error>, TOut> fail) => IsOk ? ok(_value!) : fail(Errors);
}

public static class Result
{
    /// <summary>Combines independent validations, keeping every error of every part.</summary>
    public static Result<(T1, T2)> Combine<T1, T2>(Result<T1> a, Result<T2> b) =>
        a.IsOk && b.IsOk
            ? Result<(T1, T2)>.Ok((a.Value, b.Value))
            : Result<(T1, T2)>.Fail(ErrorsOf(a.Errors).Concat(ErrorsOf(b.Errors)));

    private static ImmutableArray<Error> ErrorsOf(ImmutableArray<Error> errors) => errors.IsDefault ? [] : errors;
}
