namespace SessionSample.Shop;

/// <summary>The shop's fixed range. A real shop would read it from its database; the session only holds product ids.</summary>
internal static class Catalog
{
    public static IReadOnlyList<Product> Products { get; } =
    [
        new("tea", "Green tea", 650),
        new("coffee", "Espresso beans", 1190),
        new("shortbread", "Shortbread", 420),
        new("teapot", "Cast-iron teapot", 3900),
    ];

    public static Product? Find(string? id) => Products.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.Ordinal));
}
