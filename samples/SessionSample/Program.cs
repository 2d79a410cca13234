using SessionSample.Account;
using SessionSample.Hosting;
using SessionSample.Metrics;
using SessionSample.Shop;

// A small shop whose cart, sign-in and visit history live in the stock ASP.NET Core session, stored in MySQL/MariaDB by
// DbiSessionCache. Run two instances against one database and they form a web farm (see README.md).
var builder = WebApplication.CreateBuilder(args);

// With no SessionStore:Dsn, a throwaway local server (stopped, and its data deleted, when the app stops: Ctrl+C).
await using var throwawayServer = await ThrowawayServer.StartIfNoDsnAsync(builder.Configuration.GetSection("SessionStore"));

builder.AddSessionStorage();
builder.Services.AddSingleton<SessionStoreTelemetry>();

var app = builder.Build();
app.UseSession();
app.UseAntiforgery();
app.MapShop();
app.MapAccount();
app.MapMetrics();

if (!await StartupCheck.RunAsync(app.Services, app.Lifetime.ApplicationStopping))
{
    Environment.ExitCode = 1;
    return;
}

if (throwawayServer is not null)
{
    app.Lifetime.ApplicationStarted.Register(() => ThrowawayServer.PrintSecondInstanceCommand(throwawayServer, app.Urls));
}

await app.RunAsync();
