using System.Text.Json.Serialization;
using SessionSample.Account;
using SessionSample.Shop;

namespace SessionSample;

/// <summary>
/// Source-generated JSON contracts for what the sample keeps in the session, used through the <c>JsonTypeInfo</c> overloads
/// of <c>SetJson</c>/<c>GetJson</c>: no reflection at run time, so the app stays trimmable.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Cart))]
[JsonSerializable(typeof(List<PageVisit>))]
internal sealed partial class SampleJsonContext : JsonSerializerContext;
