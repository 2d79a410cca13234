using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Caching.Distributed;
using SessionStore.Etcd;
using SessionSample.Account;

namespace SessionSample.Pages;

/// <summary>
/// Renders one server-side HTML page of the sample: the layout around the page's content, and forms that carry the
/// antiforgery token. One instance per request.
/// </summary>
internal sealed class HtmlPage(HttpContext http, ILogger logger)
{
    private AntiforgeryTokenSet? _tokens;

    private string StoreDescription => http.RequestServices.GetRequiredService<IDistributedCache>() is EtcdSessionCache
        ? "etcd through EtcdSessionCache"
        : "MySQL/MariaDB through DbiSessionCache";

    /// <summary>A form that posts to <paramref name="action"/>: optional hidden fields, the antiforgery token and a button.</summary>
    public string PostForm(string action, string buttonText, string? buttonLabel = null, params (string Name, string Value)[] fields)
    {
        var hidden = string.Concat(fields.Select(f => $"""<input type="hidden" name="{Html.Encode(f.Name)}" value="{Html.Encode(f.Value)}">"""));
        var label = buttonLabel is null ? "" : $" aria-label=\"{Html.Encode(buttonLabel)}\"";
        return $"""<form method="post" action="{Html.Encode(action)}">{AntiforgeryField()}{hidden}<button type="submit"{label}>{Html.Encode(buttonText)}</button></form>""";
    }

    /// <summary>The hidden input that carries the antiforgery token; the matching cookie is set with the response.</summary>
    public string AntiforgeryField()
    {
        _tokens ??= http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        return $"""<input type="hidden" name="{Html.Encode(_tokens.FormFieldName)}" value="{Html.Encode(_tokens.RequestToken)}">""";
    }

    /// <summary>
    /// Records the page view in the session's visit history, saves the session, and wraps <paramref name="content"/> in the
    /// layout.
    /// </summary>
    public async Task<IResult> RenderAsync(string title, string content, int statusCode = StatusCodes.Status200OK)
    {
        var session = http.Session;
        var servedBy = $"{http.Connection.LocalIpAddress}:{http.Connection.LocalPort}";
        if (HttpMethods.IsGet(http.Request.Method))
        {
            var time = http.RequestServices.GetRequiredService<TimeProvider>();
            session.RecordVisit(new PageVisit(http.Request.Path, servedBy, time.GetUtcNow()));
        }

        // Save now, before the body goes out. The session middleware saves after the response has been sent, so a quick next
        // request (a click, or a test) could load the session before this write lands, and this older state would then
        // overwrite what that request saved.
        await session.CommitAsync(http.RequestAborted);

        var userName = session.GetUserName();
        var who = userName is null
            ? """<a href="/account">Sign in</a>"""
            : $"""Signed in as <b>{Html.Encode(userName)}</b>""";
        var itemCount = session.GetCart(logger).ItemCount;
        var html = $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>{{Html.Encode(title)}} · SessionStore sample</title>
              <style>
                body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
                header, main, footer { max-width: 52rem; margin: 0 auto; padding: 0 1rem; }
                header { display: flex; gap: 1.5rem; align-items: baseline; padding-top: 1rem; padding-bottom: .5rem; border-bottom: 1px solid #d8dbe2; }
                header .brand { font-weight: 700; margin-right: auto; }
                a { color: #1f5fbf; }
                h1 { margin: 1.2rem 0 .6rem; }
                .products { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: .8rem; }
                .product, .panel { background: #fff; border: 1px solid #d8dbe2; border-radius: 8px; padding: .6rem .9rem .9rem; }
                .product h2 { font-size: 1.05rem; margin: .2rem 0; }
                .price { color: #4a5263; margin: 0 0 .5rem; }
                .panel { margin-top: 1.2rem; }
                #cart { list-style: none; padding: 0; }
                #cart li { display: flex; gap: 1rem; align-items: center; }
                #cart li .name { flex: 1; }
                form { display: inline; margin: 0; }
                button { font: inherit; padding: .25rem .8rem; border-radius: 6px; border: 1px solid #1f5fbf; background: #1f5fbf; color: #fff; cursor: pointer; }
                button.quiet, #cart button { background: #fff; color: #1f5fbf; }
                input[type=text] { font: inherit; padding: .25rem .5rem; border: 1px solid #b9bfcc; border-radius: 6px; }
                .note { background: #fff8e1; border: 1px solid #f0d98c; border-radius: 6px; padding: .5rem .8rem; }
                .error { color: #b3261e; }
                table { border-collapse: collapse; width: 100%; font-size: .9rem; }
                th, td { text-align: left; vertical-align: top; padding: .2rem .5rem; border-bottom: 1px solid #e3e6ec; }
                footer { color: #6b7385; font-size: .85rem; padding-top: 2rem; padding-bottom: 2rem; }
              </style>
            </head>
            <body>
              <header>
                <span class="brand">SessionStore shop</span>
                <nav><a href="/">Shop</a> · <a href="/account">Account</a> · <a href="/metrics">Metrics</a></nav>
                <span id="cart-count">Cart: {{itemCount}} item{{(itemCount == 1 ? "" : "s")}}</span>
                <span id="who">{{who}}</span>
              </header>
              <main>
            {{content}}
              </main>
              <footer id="served-by">Served by {{Html.Encode(servedBy)}} (process {{Environment.ProcessId}}). The session lives in
                {{StoreDescription}}, so it survives a restart and every instance of the farm sees it.</footer>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: statusCode);
    }
}
