using System.Text.Json.Serialization;

namespace SessionStore.DancerTests;

/// <summary>The typed values the .NET app keeps in a Dancer session: the cart is Perl's array of item names.</summary>
[JsonSerializable(typeof(List<string>))]
internal sealed partial class TestJsonContext : JsonSerializerContext;
