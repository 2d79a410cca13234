using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using SessionSample.Hosting;
using SessionSample.Pages;

namespace SessionSample.Shop;

/// <summary>The shop page and the cart's form posts. The cart is a typed object in the session, stored as JSON.</summary>
internal static class ShopEndpoints
{
    public static void MapShop(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", ShowAsync);

        var forms = app.MapFormPosts();
        forms.MapPost("/cart/add", AddAsync);
        forms.MapPost("/cart/remove", RemoveAsync);
        forms.MapPost("/cart/clear", ClearAsync);
    }

    private static async Task<IResult> ShowAsync(HttpContext http, ILogger<Cart> logger)
    {
        await http.Session.LoadAsync(http.RequestAborted);
        var page = new HtmlPage(http, logger);
        var cart = http.Session.GetCart(logger);

        var products = new StringBuilder();
        foreach (var product in Catalog.Products)
        {
            products.Append(CultureInfo.InvariantCulture, $"""
                    <article class="product" data-product="{Html.Encode(product.Id)}">
                      <h2>{Html.Encode(product.Name)}</h2>
                      <p class="price">{Html.Money(product.PriceCents)}</p>
                      {page.PostForm("/cart/add", "Add to cart", $"Add {product.Name} to the cart", ("product", product.Id))}
                    </article>

                """);
        }

        return await page.RenderAsync("Shop", $"""
                <h1>Shop</h1>
                <section class="products">
            {products}    </section>
                <section class="panel" id="cart-panel">
                  <h2>Your cart</h2>
            {CartHtml(page, cart)}
                </section>
            """);
    }

    private static string CartHtml(HtmlPage page, Cart cart)
    {
        var lines = new StringBuilder();
        var totalCents = 0;
        foreach (var line in cart.Lines)
        {
            // A product dropped from the catalog since it was put in the cart is not shown (nor charged).
            if (Catalog.Find(line.ProductId) is not { } product)
            {
                continue;
            }

            totalCents += product.PriceCents * line.Quantity;
            lines.Append(CultureInfo.InvariantCulture, $"""
                        <li data-product="{Html.Encode(product.Id)}" data-quantity="{line.Quantity}">
                          <span class="name">{Html.Encode(product.Name)} × {line.Quantity}</span>
                          <span>{Html.Money(product.PriceCents * line.Quantity)}</span>
                          {page.PostForm("/cart/remove", "Remove", $"Remove {product.Name} from the cart", ("product", product.Id))}
                        </li>

                """);
        }

        if (lines.Length == 0)
        {
            return """      <p id="cart-empty">Your cart is empty.</p>""";
        }

        return $"""
                  <ul id="cart">
            {lines}      </ul>
                  <p id="cart-total">Total: <b>{Html.Money(totalCents)}</b></p>
                  {page.PostForm("/cart/clear", "Empty the cart")}
            """;
    }

    private static async Task<IResult> AddAsync(HttpContext http, [FromForm] string product, ILogger<Cart> logger)
    {
        if (Catalog.Find(product) is not { } found)
        {
            return Results.Text("No such product.", statusCode: StatusCodes.Status400BadRequest);
        }

        await http.Session.LoadAsync(http.RequestAborted);
        var cart = http.Session.GetCart(logger);
        cart.Add(found);
        http.Session.SetCart(cart);
        return Results.Redirect("/");
    }

    private static async Task<IResult> RemoveAsync(HttpContext http, [FromForm] string product, ILogger<Cart> logger)
    {
        if (Catalog.Find(product) is not { } found)
        {
            return Results.Text("No such product.", statusCode: StatusCodes.Status400BadRequest);
        }

        await http.Session.LoadAsync(http.RequestAborted);
        var cart = http.Session.GetCart(logger);
        cart.Remove(found);
        http.Session.SetCart(cart);
        return Results.Redirect("/");
    }

    private static async Task<IResult> ClearAsync(HttpContext http, CancellationToken cancellationToken)
    {
        await http.Session.LoadAsync(cancellationToken);
        http.Session.SetCart(new Cart());
        return Results.Redirect("/");
    }
}
