using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using MnistGen.Generators.Common;

namespace MnistGen.Generators.Language;

/// <summary>
/// Just enough JSON to write the schema (netstandard2.0 has no System.Text.Json here): ordered objects,
/// arrays, strings, numbers, booleans, two-space indentation and \n line endings, so the output is stable.
/// </summary>
internal sealed class Json
{
    private readonly object? _value;

    private Json(object? value) => _value = value;

    public static Json Object(params (string Key, Json? Value)[] members) =>
        new(members.Where(m => m.Value is not null).Select(m => new KeyValuePair<string, Json>(m.Key, m.Value!)).ToList());

    public static Json Array(IEnumerable<Json> items) => new(items.ToList());

    public static Json From(object? value) => value switch
    {
        null => new Json(null),
        Json json => json,
        string or bool or int or long or double => new Json(value),
        double[] items => Array(items.Select(i => From(i))),
        IEnumerable<string> items => Array(items.Select(i => From(i))),
        _ => throw new System.ArgumentException($"No JSON for {value.GetType().Name}."),
    };

    public static implicit operator Json(string value) => new(value);
    public static implicit operator Json(bool value) => new(value);
    public static implicit operator Json(long value) => new(value);
    public static implicit operator Json(double value) => new(value);

    public override string ToString()
    {
        var builder = new StringBuilder();
        Write(builder, 0);
        return builder.Append('\n').ToString();
    }

    private void Write(StringBuilder b, int indent)
    {
        switch (_value)
        {
            case null: b.Append("null"); break;
            case string s: WriteString(b, s); break;
            case bool v: b.Append(v ? "true" : "false"); break;
            case int i: b.Append(i.ToString(CultureInfo.InvariantCulture)); break;
            case long l: b.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: b.Append(Invariant.Number(d)); break;
            case List<KeyValuePair<string, Json>> members:
                if (members.Count == 0) { b.Append("{}"); break; }
                b.Append("{\n");
                for (var i = 0; i < members.Count; i++)
                {
                    b.Append(' ', (indent + 1) * 2);
                    WriteString(b, members[i].Key);
                    b.Append(": ");
                    members[i].Value.Write(b, indent + 1);
                    b.Append(i < members.Count - 1 ? ",\n" : "\n");
                }
                b.Append(' ', indent * 2).Append('}');
                break;
            case List<Json> items:
                // Short lists of scalars on one line: "required": ["name", "input"].
                if (items.All(i => i._value is not (List<Json> or List<KeyValuePair<string, Json>>)))
                {
                    b.Append('[');
                    for (var i = 0; i < items.Count; i++)
                    {
                        if (i > 0) b.Append(", ");
                        items[i].Write(b, indent);
                    }
                    b.Append(']');
                    break;
                }
                b.Append("[\n");
                for (var i = 0; i < items.Count; i++)
                {
                    b.Append(' ', (indent + 1) * 2);
                    items[i].Write(b, indent + 1);
                    b.Append(i < items.Count - 1 ? ",\n" : "\n");
                }
                b.Append(' ', indent * 2).Append(']');
                break;
        }
    }

    private static void WriteString(StringBuilder b, string s)
    {
        b.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': b.Append("\\\""); break;
                case '\\': b.Append("\\\\"); break;
                case '\n': b.Append("\\n"); break;
                case '\r': b.Append("\\r"); break;
                case '\t': b.Append("\\t"); break;
                default:
                    if (c < ' ') b.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else b.Append(c);
                    break;
            }
        }
        b.Append('"');
    }
}
