using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using MnistGen.Core.Interop;

namespace MnistGen.Core.Tests.Interop;

/// <summary>safetensors against the format's published rules, on bytes built here: no LibTorch, no files.</summary>
public class SafeTensorsTests
{
    private static readonly TensorRecord Weight = new("fc1.weight", TensorDtype.F32, [2, 3], Floats(1, 2, 3, 4, 5, 6));
    private static readonly TensorRecord Bias = new("fc1.bias", TensorDtype.F32, [2], Floats(0.5f, -0.5f));
    private static readonly TensorRecord Count = new("bn.num_batches_tracked", TensorDtype.I64, [], BitConverter.GetBytes(7L));

    private static byte[] Floats(params float[] values) => [.. values.SelectMany(BitConverter.GetBytes)];

    private static byte[] File(string header, int dataBytes)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        return file;
    }

    private static string Error(byte[] file) => Assert.Single(SafeTensors.Read(file, "m.safetensors").Errors).Message;

    [Fact]
    public void What_is_written_reads_back_with_its_metadata()
    {
        var bytes = SafeTensors.Write([Weight, Bias, Count], new Dictionary<string, string> { ["mnistgen.spec"] = "mlp", ["format"] = "pt" });

        var read = SafeTensors.Read(bytes, "m.safetensors").Value;

        Assert.Equal(["fc1.weight", "fc1.bias", "bn.num_batches_tracked"], read.Tensors.Select(t => t.Name));
        Assert.Equal(Weight.Data, read.Tensors[0].Data);
        Assert.Equal([2L, 3L], read.Tensors[0].Shape.ToArray());
        Assert.Equal((TensorDtype.I64, 0), (read.Tensors[2].Dtype, read.Tensors[2].Shape.Length));
        Assert.Equal("mlp", read.Metadata["mnistgen.spec"]);
    }

    [Fact]
    public void The_layout_is_a_little_endian_length_a_padded_json_header_and_the_data_in_order()
    {
        var bytes = SafeTensors.Write([Weight, Bias], new Dictionary<string, string>());

        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, (8 + n) % 8);
        Assert.Equal((byte)'{', bytes[8]);
        var header = Encoding.UTF8.GetString(bytes, 8, n);
        Assert.Equal(header.TrimEnd(' ').Length + (n - header.TrimEnd(' ').Length), n);
        Assert.Contains("\"fc1.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}", header);
        Assert.Contains("\"fc1.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}", header);
        Assert.Equal([.. Weight.Data, .. Bias.Data], bytes[(8 + n)..]);
    }

    [Theory]
    [InlineData(0, "it is 0 bytes long, shorter than the 8-byte header length")]
    [InlineData(5, "it is 5 bytes long, shorter than the 8-byte header length")]
    public void A_file_too_short_for_its_length_field_is_refused(int length, string why) =>
        Assert.Equal($"m.safetensors is not a valid safetensors file: {why}.", Error(new byte[length]));

    [Fact]
    public void A_header_longer_than_the_file_is_refused()
    {
        var file = File("{}", 0);
        BinaryPrimitives.WriteUInt64LittleEndian(file, 1000);
        Assert.Contains("its header claims 1000 bytes but only 2 follow (the file is truncated)", Error(file));
    }

    [Fact]
    public void A_header_longer_than_100_MB_is_refused_before_anything_is_read()
    {
        var file = File("{}", 0);
        BinaryPrimitives.WriteUInt64LittleEndian(file, ulong.MaxValue);
        Assert.Contains("more than the 100000000 allowed", Error(file));
    }

    [Theory]
    [InlineData("[1, 2]", "its header does not start with '{'")]
    [InlineData("{\"a\": ", "its header is not JSON")]
    [InlineData("{\"a\": 3}", "the entry of 'a' is not an object")]
    [InlineData("{\"a\": {\"dtype\": \"F16\", \"shape\": [1], \"data_offsets\": [0, 2]}}", "'a' has dtype 'F16'; MnistGen models hold F32 tensors")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 4]}}", "'a' has shape [2] of F32 but 4 bytes of data")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4], \"extra\": 1}}", "must have exactly dtype, shape and data_offsets")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}", "the shape of 'a' is not a list of non-negative integers")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8000]}}", "the data_offsets of 'a' ([0, 8000]) lie outside the 8 bytes of data")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 0]}}", "the data_offsets of 'a' ([4, 0]) lie outside")]
    [InlineData("{\"__metadata__\": {\"k\": 1}}", "its __metadata__ is not a map of strings to strings")]
    public void A_header_that_breaks_a_rule_is_refused_naming_the_rule(string header, string why) =>
        Assert.Contains(why, Error(File(header, 8)));

    [Fact]
    public void Overlapping_ranges_holes_and_trailing_bytes_are_refused()
    {
        const string A = "\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}";
        Assert.Contains("the data of 'b' overlaps the tensor before it",
            Error(File("{" + A + ", \"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [2, 6]}}", 8)));
        Assert.Contains("bytes 4-8 of its data belong to no tensor",
            Error(File("{" + A + ", \"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [8, 12]}}", 12)));
        Assert.Contains("its last 4 bytes of data belong to no tensor", Error(File("{" + A + "}", 8)));
        Assert.Contains("'a' appears twice", Error(File("{" + A + ", " + A + "}", 4)));
    }
}

/// <summary>The pure key and shape check behind import (every mismatch named).</summary>
public class StateDictCheckTests
{
    private static TensorRecord T(string name, params long[] shape) => new(name, TensorDtype.F32, [.. shape], []);

    [Fact]
    public void A_perfect_fit_has_no_mismatches() =>
        Assert.Empty(StateDict.Mismatches([T("fc1.weight", 2, 3), T("fc1.bias", 2)], [T("fc1.bias", 2), T("fc1.weight", 2, 3)]));

    [Fact]
    public void Missing_unexpected_reshaped_and_retyped_keys_are_all_listed()
    {
        var expected = ImmutableArray.Create(T("fc1.weight", 2, 3), T("fc1.bias", 2), T("fc2.weight", 1, 2), T("n", 1));
        var found = ImmutableArray.Create(T("fc1.weight", 3, 2), T("fc2.weight", 1, 2) with { Dtype = TensorDtype.I64 }, T("n", 1), T("zz.extra", 4), T("conv1.weight", 1));

        Assert.Equal(
            ["fc1.weight has shape [3, 2], expected [2, 3]", "missing key fc1.bias (F32 [2])", "fc2.weight has dtype I64, expected F32",
             "unexpected key conv1.weight (F32 [1])", "unexpected key zz.extra (F32 [4])"],
            StateDict.Mismatches(expected, found).ToArray());
    }
}
