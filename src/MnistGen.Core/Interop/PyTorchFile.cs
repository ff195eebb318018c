using System.Collections;
using System.Collections.Immutable;
using System.Globalization;
using System.IO.Compression;
using MnistGen.Core.Functional;
using Razorvine.Pickle;
using Razorvine.Pickle.Objects;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace MnistGen.Core.Interop;

/// <summary>
/// PyTorch's <c>torch.save(model.state_dict())</c> format: a zip holding <c>data.pkl</c> (a pickle) and one
/// file per tensor storage.
/// Writing goes through TorchSharp.PyBridge's <c>save_py</c> on a module whose tensors are all contiguous
/// (PyBridge writes each tensor's bytes with its strides, so a channels-last tensor would be misread).
/// Reading is our own and restricted: the pickle may build an OrderedDict of tensors and nothing else; a
/// pickle that names any other Python callable (<c>os.system</c>, say) is refused and never run (the
/// unpickler runs no Python at all); tensors are gathered by their strides into row-major bytes.
/// </summary>
internal static class PyTorchFile
{
    /// <summary>Writes <paramref name="module"/>'s state_dict; every tensor must be contiguous (see the class note).</summary>
    public static void Write(nn.Module module, Stream stream)
    {
        var strided = module.state_dict().Where(kv => !kv.Value.is_contiguous()).Select(kv => kv.Key).ToList();
        if (strided.Count > 0)
            throw new InvalidOperationException("Export needs contiguous tensors; these are not: " + string.Join(", ", strided));
        module.save_py(stream, leaveOpen: true);
    }

    public static Result<ImmutableArray<TensorRecord>> Read(byte[] file, string path)
    {
        Error Bad(string why) => new($"{path} is not a PyTorch state_dict file: {why}.", ErrorKind.BadInput);
        if (file.Length < 4 || file[0] != 0x50 || file[1] != 0x4b || file[2] != 0x03 || file[3] != 0x04)
            return Bad(file.Length == 0
                ? "it is empty"
                : "it is not a zip archive (files from torch.save since PyTorch 1.6 are; an older file must be saved again with torch.save(model.state_dict(), path))");
        try
        {
            using var archive = new ZipArchive(new MemoryStream(file, writable: false), ZipArchiveMode.Read);
            var pkl = archive.Entries.FirstOrDefault(e => e.FullName == "data.pkl" || e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal));
            if (pkl is null) return Bad("it has no data.pkl");
            var prefix = pkl.FullName[..^"data.pkl".Length];

            object loaded;
            Register();
            using (var unpickler = new RestrictedUnpickler())
            using (var pickle = pkl.Open())
                loaded = unpickler.load(pickle);

            if (loaded is not Hashtable table) return Bad($"its pickle holds {Describe(loaded)}, not a state_dict");
            var records = ImmutableArray.CreateBuilder<TensorRecord>();
            var problems = new List<string>();
            var otherTypes = new List<string>();
            // Hashtable keeps no order: go by name, so messages are stable.
            foreach (var entry in table.Cast<DictionaryEntry>().OrderBy(e => e.Key as string, StringComparer.Ordinal))
            {
                if (entry.Key is not string name) return Bad($"its state_dict has a key that is not a string ({Describe(entry.Key)})");
                if (entry.Value is not PickledTensor tensor) return Bad($"'{name}' holds {Describe(entry.Value)}, not a tensor");
                if (tensor.Dtype is null)
                {
                    otherTypes.Add($"'{name}' ({tensor.Storage.Type})");
                    continue;
                }
                var record = tensor.Materialize(name, archive, prefix);
                if (record.IsOk) records.Add(record.Value);
                else problems.Add(record.Errors[0].Message);
            }
            if (otherTypes.Count > 0)
                problems.Add($"{string.Join(", ", otherTypes)} {(otherTypes.Count == 1 ? "is" : "are")} not float32, which MnistGen models hold (convert with model.float() before saving)");
            return problems.Count == 0 ? records.ToImmutable() : Bad(string.Join("; ", problems));
        }
        catch (PickleException e)
        {
            // Razorvine names the class it was asked to build as "(for module.name)"; its advice that follows is for library authors.
            var asked = System.Text.RegularExpressions.Regex.Match(e.Message, @"\(for ([^)]+)\)");
            return Bad(asked.Success
                ? $"its pickle calls {asked.Groups[1].Value}, which is refused and never run (a state_dict holds only tensors)"
                : $"its pickle holds something other than tensors ({e.Message.Split('.')[0]}), which is refused and never run");
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException or InvalidCastException
                                  or NotSupportedException or OverflowException or IndexOutOfRangeException or ArgumentException)
        {
            return Bad("it is damaged or truncated (" + e.Message.Split('\n')[0].TrimEnd('.') + ")");
        }
    }

    private static string Describe(object? value) => value switch
    {
        null => "None",
        ClassDict dict => $"an object of {dict.ClassName}",
        _ => "a " + value.GetType().Name,
    };

    /// <summary>
    /// Razorvine keeps its constructors in one process-wide table; ours are (re)registered before each read
    /// so no other library's registration can stand in for them.
    /// </summary>
    private static void Register()
    {
        Unpickler.registerConstructor("collections", "OrderedDict", new Construct(_ => new StateTable()));
        Unpickler.registerConstructor("torch._utils", "_rebuild_tensor_v2", new Construct(PickledTensor.From));
        Unpickler.registerConstructor("torch._utils", "_rebuild_tensor", new Construct(PickledTensor.From));
        Unpickler.registerConstructor("torch._utils", "_rebuild_parameter", new Construct(_ =>
            throw new PickleException("it holds a whole nn.Module; save model.state_dict() instead")));
    }

    private sealed class Construct(Func<object[], object> build) : IObjectConstructor
    {
        public object construct(object[] args) => build(args);
    }

    /// <summary>torch's OrderedDict; its pickled state (the state_dict's <c>_metadata</c>) carries no tensors and is dropped.</summary>
    private sealed class StateTable : Hashtable
    {
        // Called by the unpickler through reflection (BUILD).
        public void __setstate__(Hashtable state) { _ = state; }
    }

    private sealed record StorageRef(string Type, string Key, long Elements);

    private sealed class RestrictedUnpickler : Unpickler
    {
        protected override object persistentLoad(object pid)
        {
            if (pid is not object[] { Length: 5 } tuple || tuple[0] as string != "storage" || tuple[1] is not ClassDictConstructor type || tuple[2] is not string key)
                throw new PickleException("an unknown persistent id");
            return new StorageRef(type.name, key, Convert.ToInt64(tuple[4], CultureInfo.InvariantCulture));
        }
    }

    private sealed record PickledTensor(StorageRef Storage, long Offset, long[] Shape, long[] Stride)
    {
        public static object From(object[] args)
        {
            if (args.Length < 4 || args[0] is not StorageRef storage || args[2] is not object[] shape || args[3] is not object[] stride || shape.Length != stride.Length)
                throw new PickleException("a tensor whose description is not understood");
            static long L(object o) => Convert.ToInt64(o, CultureInfo.InvariantCulture);
            return new PickledTensor(storage, L(args[1]), [.. shape.Select(L)], [.. stride.Select(L)]);
        }

        /// <summary>The dtype, when it is one MnistGen's models hold.</summary>
        public TensorDtype? Dtype => Storage.Type switch { "FloatStorage" => TensorDtype.F32, "LongStorage" => TensorDtype.I64, _ => null };

        public Result<TensorRecord> Materialize(string name, ZipArchive archive, string prefix)
        {
            var dtype = Dtype ?? throw new InvalidOperationException("Materialize needs a known dtype.");
            var size = TensorRecord.SizeOf(dtype);
            var entry = archive.GetEntry(prefix + "data/" + Storage.Key);
            if (entry is null) return new Error($"the storage of '{name}' (data/{Storage.Key}) is missing");
            if (entry.Length != Storage.Elements * size)
                return new Error(string.Create(CultureInfo.InvariantCulture, $"the storage of '{name}' has {entry.Length} bytes, not the {Storage.Elements * size} its {Storage.Elements} elements need"));
            var bytes = new byte[entry.Length];
            using (var stream = entry.Open()) stream.ReadExactly(bytes);

            var elements = Shape.Aggregate(1L, (a, b) => a * b);
            if (Shape.Any(d => d < 0) || Stride.Any(s => s < 0)) return new Error($"'{name}' has a negative size or stride");
            var last = elements == 0 ? Offset : Offset + Shape.Zip(Stride, (d, s) => (d - 1) * s).Sum();
            if (Offset < 0 || last >= Math.Max(Storage.Elements, 1) && elements > 0)
                return new Error($"'{name}' reaches past the end of its storage");

            var data = new byte[elements * size];
            var index = new long[Shape.Length];
            for (long i = 0; i < elements; i++)
            {
                long at = Offset;
                for (var d = 0; d < index.Length; d++) at += index[d] * Stride[d];
                Buffer.BlockCopy(bytes, (int)(at * size), data, (int)(i * size), size);
                for (var d = index.Length - 1; d >= 0; d--)
                {
                    if (++index[d] < Shape[d]) break;
                    index[d] = 0;
                }
            }
            return new TensorRecord(name, dtype, [.. Shape], data);
        }
    }
}
