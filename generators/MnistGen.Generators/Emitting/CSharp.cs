using System.Globalization;
using System.Text;
using MnistGen.Generators.Common;

namespace MnistGen.Generators.Emitting;

/// <summary>Literals and escapes for generated C#; numbers always in the invariant culture.</summary>
internal static class CSharp
{
    public static string String(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (char.IsControl(c) || c == '\u2028' || c == '\u2029' || c == '\u0085')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }
                    break;
            }
        }
        return builder.Append('"').ToString();
    }

    /// <summary>A double literal that round-trips: 0.0001, 1E-05, 0.5.</summary>
    public static string Double(double value)
    {
        var text = Invariant.Number(value);
        return text.Contains(".") || text.Contains("E") ? text : text + ".0";
    }

    public static string Bool(bool value) => value ? "true" : "false";

    public static string Int(long value) => Invariant.Number(value);

    /// <summary>Text for an XML doc comment: escaped, and on one line.</summary>
    public static string Xml(string value) => value
        .Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;")
        .Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ');
}
