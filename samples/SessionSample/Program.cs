using SessionSample.Account;
using SessionSample.Hosting;
using SessionSample.Metrics;
using SessionSample.Shop;

// A small shop whose cart, sign-in and visit history live in the stock ASP.NET Core session, stored in MySQL/MariaDB by
// DbiSessionCache, or with SessionStore:Store etcd in etcd by EtcdSessionCache. Run two instances against one database (or
// one etcd) and they form a web farm (see README.md).
var builder = WebApplication.CreateBuilder(args);
var storeSection = builder.Configuration.GetSection("SessionStore");
var usesEtcd = SessionStorage.UsesEtcd(storeSection);

// With no SessionStore:Dsn (or, on etcd, no SessionStore:Etcd:Dsn or :Endpoints), a throwaway local server (stopped, and its
// data deleted, when the app stops: Ctrl+C).
await using var throwawayServer = usesEtcd ? null : await ThrowawayServer.StartIfNoDsnAsync(storeSection);
await using var throwawayEtcd = usesEtcd ? await ThrowawayEtcd.StartIfNotConfiguredAsync(storeSection.GetSection("Etcd")) : null;

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

if (throwawayEtcd is not null)
{
    app.Lifetime.ApplicationStarted.Register(() => ThrowawayEtcd.PrintSecondInstanceCommand(throwawayEtcd, app.Urls));
}

await app.RunAsync();
