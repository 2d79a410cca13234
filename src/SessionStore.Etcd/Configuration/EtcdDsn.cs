using System.Globalization;

namespace SessionStore.Etcd.Configuration;

/// <summary>
/// Reads the ancestor Dancer2::Session::Etcd's <c>dsn</c>: <c>host=HOST;port=PORT</c>, several members separated by commas.
/// </summary>
internal static class EtcdDsn
{
    /// <summary>etcd's client port.</summary>
    public const int DefaultPort = 2379;

    /// <summary>
    /// The members' URLs (<c>http://host:port</c>, or <c>https</c> with <paramref name="useTls"/>). Throws
    /// <see cref="FormatException"/> naming the member and the part that is wrong; the message never repeats the whole DSN.
    /// </summary>
    public static IReadOnlyList<Uri> Parse(string dsn, bool useTls)
    {
        ArgumentNullException.ThrowIfNull(dsn);
        var scheme = useTls ? "https" : "http";
        var members = dsn.Split(',', StringSplitOptions.TrimEntries);
        var endpoints = new List<Uri>(members.Length);
        for (var i = 0; i < members.Length; i++)
        {
            string? host = null;
            var port = DefaultPort;
            foreach (var part in members[i].Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = part.IndexOf('=', StringComparison.Ordinal);
                var name = equals < 0 ? part : part[..equals].Trim();
                var value = equals < 0 ? "" : part[(equals + 1)..].Trim();
                switch (name.ToLowerInvariant())
                {
                    case "host":
                        host = value;
                        break;
                    case "port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and <= 65535:
                        port = p;
                        break;
                    case "port":
                        throw new FormatException($"member {i + 1} has a port that is not a number from 1 to 65535.");
                    default:
                        throw new FormatException($"member {i + 1} has '{name}', which is neither host nor port.");
                }
            }

            if (string.IsNullOrEmpty(host))
            {
                throw new FormatException($"member {i + 1} has no host (expected host=HOST;port=PORT).");
            }

            var bracketed = host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;
            if (!Uri.TryCreate($"{scheme}://{bracketed}:{port.ToString(CultureInfo.InvariantCulture)}", UriKind.Absolute, out var uri))
            {
                throw new FormatException($"member {i + 1} has a host that is not a host name or address.");
            }

            endpoints.Add(uri);
        }

        return endpoints;
    }
}
