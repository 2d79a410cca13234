namespace SessionSample.Shop;

/// <summary>One product in the cart and how many of it.</summary>
internal sealed record CartLine(string ProductId, int Quantity);
