using System.Net;
using SessionStore.DevServer;

var builder = WebApplication.CreateBuilder(args);
var section = builder.Configuration.GetSection("SessionStore");

// With no DSN configured, start a throwaway local MySQL-compatible server (the same code the tests use) and create the
// table on it. The server is stopped when the app stops (Ctrl+C).
MySqlDevServer? devServer = null;
if (string.IsNullOrWhiteSpace(section["Dsn"]))
{
    Console.WriteLine("SessionStore:Dsn is not set; starting a throwaway local MySQL-compatible server…");
    devServer = await MySqlDevServer.StartAsync(new MySqlDevServerOptions { Log = Console.WriteLine });
    Console.WriteLine($"Using {devServer.Description}");
    section["Dsn"] = devServer.ConnectionString;
    section["CreateTableIfMissing"] = "true";
}

// Empty strings in appsettings.json mean "not set".
foreach (var key in new[] { "User", "Password" })
{
    if (string.IsNullOrEmpty(section[key]))
    {
        section[key] = null;
    }
}

builder.Services.AddDbiSessionCache(section);
builder.Services.AddSession(o =>
{
    o.IdleTimeout = TimeSpan.FromMinutes(20);
    o.Cookie.Name = ".SessionSample";
    o.Cookie.HttpOnly = true;
    o.Cookie.IsEssential = true;
});

var app = builder.Build();
app.UseSession();

app.MapGet("/", async (HttpContext context) =>
{
    await context.Session.LoadAsync();
    var visits = (context.Session.GetInt32("visits") ?? 0) + 1;
    context.Session.SetInt32("visits", visits);
    var items = (context.Session.GetString("cart") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries);
    var list = string.Concat(items.Select(i => $"<li>{WebUtility.HtmlEncode(i)}</li>"));
    return Results.Content($"""
        <!doctype html>
        <html><head><meta charset="utf-8"><title>SessionStore sample</title></head>
        <body>
          <h1>Shopping cart</h1>
          <p id="visits">Visits in this session: {visits}</p>
          <ul id="cart">{list}</ul>
          <form method="post" action="/cart">
            <input name="item" placeholder="Item" required maxlength="100">
            <button type="submit">Add to cart</button>
          </form>
          <form method="post" action="/clear"><button type="submit">Empty the cart</button></form>
          <p><small>Session stored in MySQL/MariaDB by DbiSessionCache.</small></p>
        </body></html>
        """, "text/html; charset=utf-8");
});

app.MapPost("/cart", async (HttpContext context) =>
{
    await context.Session.LoadAsync();
    var form = await context.Request.ReadFormAsync();
    var item = form["item"].ToString().Trim();
    if (item.Length > 0)
    {
        var cart = context.Session.GetString("cart") ?? "";
        context.Session.SetString("cart", cart + item.ReplaceLineEndings(" ") + "\n");
    }

    return Results.Redirect("/");
}).DisableAntiforgery();

app.MapPost("/clear", async (HttpContext context) =>
{
    await context.Session.LoadAsync();
    context.Session.Remove("cart");
    return Results.Redirect("/");
}).DisableAntiforgery();

await app.RunAsync();

// Ctrl+C ends RunAsync; stop the server we started.
if (devServer is not null)
{
    await devServer.DisposeAsync();
}
