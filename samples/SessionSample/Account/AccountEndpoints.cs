using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using SessionSample.Hosting;
using SessionSample.Pages;
using SessionSample.Shop;

namespace SessionSample.Account;

/// <summary>
/// A pretend sign-in (any name, no password) that shows session-id rotation: signing in moves the session to a new id, so an
/// id planted or seen before sign-in (session fixation) opens nothing afterwards.
/// </summary>
internal static class AccountEndpoints
{
    private const int MaxUserNameLength = 40;

    public static void MapAccount(this IEndpointRouteBuilder app)
    {
        app.MapGet("/account", ShowAsync);

        var forms = app.MapFormPosts();
        forms.MapPost("/signin", SignInAsync);
        forms.MapPost("/signout", SignOutAsync);
    }

    private static async Task<IResult> ShowAsync(HttpContext http, ILogger<Cart> logger)
    {
        await http.Session.LoadAsync(http.RequestAborted);
        return await RenderAsync(http, logger, error: null);
    }

    private static async Task<IResult> SignInAsync(HttpContext http, [FromForm] string? userName, ILogger<Cart> logger)
    {
        await http.Session.LoadAsync(http.RequestAborted);
        userName = userName?.Trim();
        if (string.IsNullOrEmpty(userName) || userName.Length > MaxUserNameLength)
        {
            return await RenderAsync(http, logger, $"Type a name of 1 to {MaxUserNameLength} characters.");
        }

        http.Session.SetUserName(userName);

        // Right after sign-in: the session (cart, history, the name just set) moves to a new id in one statement, and the
        // response carries the new cookie. Whoever knew the old id now finds an empty session.
        await http.RegenerateSessionIdAsync(http.RequestAborted);
        return Results.Redirect("/account");
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, CancellationToken cancellationToken)
    {
        await http.Session.LoadAsync(cancellationToken);
        http.Session.Clear();
        return Results.Redirect("/account");
    }

    private static Task<IResult> RenderAsync(HttpContext http, ILogger logger, string? error)
    {
        var page = new HtmlPage(http, logger);
        var userName = http.Session.GetUserName();
        string account;
        if (userName is null)
        {
            var message = error is null ? "" : $"""<p class="error" id="sign-in-error">{Html.Encode(error)}</p>""";
            account = $"""
                    <h1>Sign in</h1>
                    <p class="note">This is a pretend sign-in: any name works and there is no password. It is here to show
                      session-id rotation, not authentication.</p>
                    {message}
                    <form method="post" action="/signin">{page.AntiforgeryField()}
                      <label>Name <input type="text" name="userName" required maxlength="{MaxUserNameLength}" autocomplete="username"></label>
                      <button type="submit">Sign in</button>
                    </form>
                """;
        }
        else
        {
            account = $"""
                    <h1>Account</h1>
                    <p id="signed-in">Signed in as <b id="user-name">{Html.Encode(userName)}</b>.</p>
                    <p>When you signed in, your session moved to a new id and your browser got a new cookie; the cookie it had
                      before now opens an empty session. Your cart came along.</p>
                    {page.PostForm("/signout", "Sign out")} <small>Signing out clears the session, cart included.</small>
                """;
        }

        var visits = new StringBuilder();
        foreach (var visit in http.Session.GetVisits())
        {
            var at = visit.At.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
            visits.Append(CultureInfo.InvariantCulture, $"""
                        <li><time datetime="{visit.At.UtcDateTime:O}">{at} UTC</time> <code>{Html.Encode(visit.Path)}</code> served by {Html.Encode(visit.ServedBy)}</li>

                """);
        }

        return page.RenderAsync(userName is null ? "Sign in" : "Account", $"""
            {account}
                <section class="panel">
                  <h2>Visit history</h2>
                  <p>The pages this session saw before this one, newest first (at most {SessionState.VisitsKept}).</p>
                  <ol id="visits">
            {visits}      </ol>
                </section>
            """, error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }
}
