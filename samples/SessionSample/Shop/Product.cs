namespace SessionSample.Shop;

/// <summary>Something the shop sells. Prices are in cents, to keep money out of floating point.</summary>
internal sealed record Product(string Id, string Name, int PriceCents);
