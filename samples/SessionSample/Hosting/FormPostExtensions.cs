using Microsoft.AspNetCore.Antiforgery;

namespace SessionSample.Hosting;

/// <summary>The route group for the sample's form posts, each of which must carry a valid antiforgery token.</summary>
internal static class FormPostExtensions
{
    /// <summary>A group whose endpoints answer 400 unless the request is a form post with a valid antiforgery token.</summary>
    public static RouteGroupBuilder MapFormPosts(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("");
        group.WithMetadata(new RequireAntiforgeryTokenAttribute());

        // UseAntiforgery only records its verdict, and minimal APIs act on it only for endpoints that bind a form value (sign-out
        // binds none); a POST that is not a form is not checked at all. So every endpoint here insists on a checked, valid token.
        group.AddEndpointFilter(static async (context, next) =>
            context.HttpContext.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: true }
                ? await next(context)
                : Results.Text("The form has expired or did not come from this site: reload the page and try again.", statusCode: StatusCodes.Status400BadRequest));
        return group;
    }
}
