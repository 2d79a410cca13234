using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SessionStore.Benchmarks.Http;

/// <summary>
/// The app every store is measured behind: a default <see cref="WebApplication"/> on Kestrel (127.0.0.1, a free port)
/// with the stock session middleware (<c>AddSession</c> + <c>UseSession</c>, IdleTimeout 20 min) and three endpoints.
/// Only the <see cref="Microsoft.Extensions.Caching.Distributed.IDistributedCache"/> differs between instances.
/// </summary>
internal static class SessionBenchmarkApp
{
    public const string ReadPath = "/read";
    public const string WritePath = "/write";
    public const string NoSessionPath = "/none";
    public const string SessionCookieName = ".AspNetCore.Session";

    private const string ValueKey = "v";

    private static readonly byte[] s_value = new BenchmarkValues().Small;
    private static readonly byte[] s_constant = "ok"u8.ToArray();
    private static readonly byte[] s_valueLength = System.Text.Encoding.ASCII.GetBytes(BenchmarkSettings.SmallValueSize.ToString(CultureInfo.InvariantCulture));

    public static string PathOf(HttpRequestKind kind) => kind switch
    {
        HttpRequestKind.Read => ReadPath,
        HttpRequestKind.Write => WritePath,
        HttpRequestKind.NoSession => NoSessionPath,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown request kind."),
    };

    public static string MethodOf(HttpRequestKind kind) => kind == HttpRequestKind.Write ? "POST" : "GET";

    /// <summary>Builds and starts the app; <paramref name="addCache"/> registers its IDistributedCache.</summary>
    public static async Task<(WebApplication App, Uri BaseAddress)> StartAsync(Action<IServiceCollection> addCache, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });

        // A default app logs at Information; the provider keeps that level enabled and throws the output away.
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        var failures = new AppFailures();
        builder.Logging.AddProvider(new InformationLoggerProvider(failures));
        builder.Services.AddSingleton(failures);
        builder.WebHost.UseUrls("http://127.0.0.1:0");

        // Keys in memory: the session cookie is protected, and nothing is written to the user's key ring directory.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        addCache(builder.Services);
        builder.Services.AddSession(o => o.IdleTimeout = BenchmarkSettings.SlidingWindow);

        var app = builder.Build();
        app.UseSession();
        app.MapGet(ReadPath, ReadAsync);
        app.MapPost(WritePath, WriteAsync);
        app.MapGet(NoSessionPath, NoSessionAsync);
        try
        {
            await app.StartAsync(cancellationToken);
            // Kestrel reports the port it bound for ":0" here once started.
            return (app, new Uri(app.Urls.Single()));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    // The endpoints load the session asynchronously first, as the session docs advise; otherwise the first access loads it
    // with the cache's synchronous Get.
    private static async Task ReadAsync(HttpContext context)
    {
        await context.Session.LoadAsync(context.RequestAborted);
        if (!context.Session.TryGetValue(ValueKey, out var value))
        {
            // A miss is a harness failure: wrk counts it among the non-2xx responses, which the report shows.
            context.RequestServices.GetRequiredService<AppFailures>().RecordMiss();
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await context.Response.Body.WriteAsync(value.Length == s_value.Length
            ? s_valueLength
            : System.Text.Encoding.ASCII.GetBytes(value.Length.ToString(CultureInfo.InvariantCulture)), context.RequestAborted);
    }

    private static async Task WriteAsync(HttpContext context)
    {
        await context.Session.LoadAsync(context.RequestAborted);
        context.Session.Set(ValueKey, s_value);
        await context.Response.Body.WriteAsync(s_constant, context.RequestAborted);
    }

    private static Task NoSessionAsync(HttpContext context) =>
        context.Response.Body.WriteAsync(s_constant, context.RequestAborted).AsTask();
}
