using System.Net.Http.Json;
using System.Text.Json;

namespace SessionStore.DevServer.Etcd;

/// <summary>
/// Asks an etcd member over its HTTP endpoints (<c>/version</c>, <c>/health</c>, and the gRPC gateway's
/// <c>/v3/cluster/member/list</c>), so the development server needs no gRPC client of its own.
/// </summary>
internal static class EtcdHttpProbe
{
    /// <summary>The server version from <c>/version</c>, like <c>3.4.23</c>.</summary>
    public static async Task<string> ReadVersionAsync(HttpClient http, string endpoint, CancellationToken cancellationToken)
    {
        using var document = await http.GetFromJsonAsync<JsonDocument>($"{endpoint}/version", cancellationToken).ConfigureAwait(false);
        return document?.RootElement.TryGetProperty("etcdserver", out var version) == true
            ? version.GetString() ?? "unknown"
            : "unknown";
    }

    /// <summary>
    /// Whether the member at <paramref name="endpoint"/> is the one named <paramref name="memberName"/> (not whatever else took
    /// the port after it was picked) and reports itself healthy, which etcd does only once it has a leader.
    /// </summary>
    public static async Task<bool> IsReadyAsync(HttpClient http, string endpoint, string memberName, CancellationToken cancellationToken)
    {
        using var content = new StringContent("{}");
        using var members = await http.PostAsync($"{endpoint}/v3/cluster/member/list", content, cancellationToken).ConfigureAwait(false);
        if (!members.IsSuccessStatusCode)
        {
            return false;
        }

        using (var document = await members.Content.ReadFromJsonAsync<JsonDocument>(cancellationToken).ConfigureAwait(false))
        {
            if (document is null
                || !document.RootElement.TryGetProperty("members", out var list)
                || !list.EnumerateArray().Any(member => member.TryGetProperty("name", out var name) && name.GetString() == memberName))
            {
                return false;
            }
        }

        using var health = await http.GetFromJsonAsync<JsonDocument>($"{endpoint}/health", cancellationToken).ConfigureAwait(false);
        return health?.RootElement.TryGetProperty("health", out var healthy) == true && healthy.GetString() == "true";
    }
}
