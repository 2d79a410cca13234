using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace SessionStore.AspNetCore.Tests;

/// <summary>The endpoints every session test app has: read and write the value "v". Shared with the etcd tests (linked there).</summary>
internal static class SessionEndpoints
{
    public static void MapSessionGetAndSet(this WebApplication app)
    {
        app.MapGet("/get", async (HttpContext http) =>
        {
            await http.Session.LoadAsync();
            return http.Session.GetString("v") ?? "(none)";
        });
        app.MapGet("/set", async (HttpContext http, string value) =>
        {
            await http.Session.LoadAsync();
            http.Session.SetString("v", value);
            return "ok";
        });
    }
}
