using System.Text.Json;
using MnistGen.Core.Runtime;

namespace MnistGen.Core.Tests.Runtime;

public class StartupTraceTests
{
    [Fact]
    public void Marks_are_one_json_object_in_order_with_invariant_numbers()
    {
        var text = StartupTrace.Format([("main", 0.05), ("libtorch_loaded", 0.61234), ("first_step", 1.5)]);
        Assert.Equal("{\"main\": 0.0500, \"libtorch_loaded\": 0.6123, \"first_step\": 1.5000}", text);
        using var json = JsonDocument.Parse(text);
        Assert.Equal(["main", "libtorch_loaded", "first_step"], json.RootElement.EnumerateObject().Select(p => p.Name));
    }
}
