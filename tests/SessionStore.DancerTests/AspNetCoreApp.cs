using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SessionStore.AspNetCore;

namespace SessionStore.DancerTests;

/// <summary>
/// The ASP.NET Core app a Dancer shop migrates to, on a real Kestrel port on 127.0.0.1: the stock session middleware on
/// DbiSessionCache, and the Dancer sessions on the same table, with routes that mirror perl/app.psgi and answer with the
/// same JSON (id, user, cart, values).
/// </summary>
internal sealed class AspNetCoreApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Gate> _gates;

    private AspNetCoreApp(WebApplication app, ConcurrentDictionary<string, Gate> gates, Uri baseAddress)
    {
        _app = app;
        _gates = gates;
        BaseAddress = baseAddress;
    }

    /// <summary><c>http://127.0.0.1:port/</c>.</summary>
    public Uri BaseAddress { get; }

    public static async Task<AspNetCoreApp> StartAsync(string connectionString, string table)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddDbiSessionCache(o =>
        {
            o.Dsn = connectionString;
            o.Table = table;
        });
        builder.Services.AddSession();
        builder.Services.AddDancerSessions(o => o.CookieName = "dancer.session");

        var app = builder.Build();
        var gates = new ConcurrentDictionary<string, Gate>(StringComparer.Ordinal);
        app.UseSession();
        MapRoutes(app, gates);
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new AspNetCoreApp(app, gates, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>A gate for a request that names it (<c>gate=name</c>): it holds the request between its read and its save.</summary>
    public Gate Gate(string name) => _gates.GetOrAdd(name, static _ => new Gate());

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static void MapRoutes(WebApplication app, ConcurrentDictionary<string, Gate> gates)
    {
        app.MapGet("/whoami", async (HttpContext http, CancellationToken ct) =>
            Results.Json(View(await http.GetDancerSessionAsync(ct))));

        app.MapGet("/signin", async (HttpContext http, string user, string? gate, CancellationToken ct) =>
        {
            var session = await http.GetOrCreateDancerSessionAsync(ct);
            session.Set("user", JsonValue.Create(user));
            return Results.Json(await SaveAsync(session, gates, gate, ct));
        });

        app.MapGet("/cart/add", async (HttpContext http, string item, string? gate, CancellationToken ct) =>
        {
            var session = await http.GetOrCreateDancerSessionAsync(ct);
            var cart = session.Get("cart", TestJsonContext.Default.ListString) ?? [];
            cart.Add(item);
            session.Set("cart", cart, TestJsonContext.Default.ListString);
            return Results.Json(await SaveAsync(session, gates, gate, ct));
        });

        app.MapGet("/set", async (HttpContext http, string key, string value, string? gate, CancellationToken ct) =>
        {
            var session = await http.GetOrCreateDancerSessionAsync(ct);
            session.Set(key, JsonValue.Create(value));
            return Results.Json(await SaveAsync(session, gates, gate, ct));
        });

        app.MapGet("/signout", async (HttpContext http, CancellationToken ct) =>
        {
            var session = await http.GetDancerSessionAsync(ct);
            if (session is not null)
            {
                await session.DestroyAsync(ct);
            }

            return Results.Json(new JsonObject { ["destroyed"] = session is not null });
        });

        app.MapGet("/regenerate", async (HttpContext http, CancellationToken ct) =>
        {
            var session = await http.GetDancerSessionAsync(ct);
            if (session is null)
            {
                return Results.Json(View(null));
            }

            var before = new JsonObject { ["id"] = session.Id, ["weak"] = session.HasWeakId };
            await session.RegenerateIdAsync(ct);
            var view = View(session);
            view["before"] = before;
            return Results.Json(view);
        });
    }

    private static async Task<JsonObject> SaveAsync(DancerSession session, ConcurrentDictionary<string, Gate> gates, string? gate, CancellationToken ct)
    {
        if (gate is not null)
        {
            await gates.GetOrAdd(gate, static _ => new Gate()).PassAsync(ct);
        }

        var saved = await session.SaveAsync(ct);
        var view = View(session);
        view["saved"] = saved;
        return view;
    }

    /// <summary>The JSON both apps answer with; <c>id</c> is null when the request has no session.</summary>
    private static JsonObject View(DancerSession? session)
    {
        var values = new JsonObject();
        foreach (var key in session?.Keys ?? [])
        {
            values[key] = session!.Get(key)?.DeepClone();
        }

        return new JsonObject
        {
            ["id"] = session?.Id,
            ["weak"] = session?.HasWeakId,
            ["user"] = session?.Get("user")?.DeepClone(),
            ["cart"] = session?.Get("cart")?.DeepClone() ?? new JsonArray(),
            ["values"] = values,
        };
    }
}
