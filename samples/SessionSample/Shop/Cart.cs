using System.Text.Json.Serialization;

namespace SessionSample.Shop;

/// <summary>The shopping cart, kept in the session as JSON (see <see cref="SessionState"/>).</summary>
internal sealed class Cart
{
    /// <summary>A line never holds more than this, so a stuck "Add" button cannot grow the session without end.</summary>
    public const int MaxQuantity = 99;

    public List<CartLine> Lines { get; set; } = [];

    [JsonIgnore]
    public int ItemCount => Lines.Sum(line => line.Quantity);

    public void Add(Product product)
    {
        var index = Lines.FindIndex(line => line.ProductId == product.Id);
        if (index < 0)
        {
            Lines.Add(new CartLine(product.Id, 1));
        }
        else if (Lines[index].Quantity < MaxQuantity)
        {
            Lines[index] = Lines[index] with { Quantity = Lines[index].Quantity + 1 };
        }
    }

    public void Remove(Product product) => Lines.RemoveAll(line => line.ProductId == product.Id);
}
