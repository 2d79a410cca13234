using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using static SessionStore.AspNetCore.Tests.SessionValueTestKit;

namespace SessionStore.AspNetCore.Tests;

public sealed class SessionJsonTests
{
    private const string SecretValue = "secret-token-4711";

    [Fact]
    public async Task SetJson_ThenGetJsonAfterReload_ReturnsEquivalentCartWithNestedCollections()
    {
        var key = NewKey();
        var cart = SampleCart();

        var session = await CommitAndReloadAsync(s => s.SetJson(key, cart));

        Assert.Equivalent(cart, session.GetJson<Cart>(key), strict: true);
        Assert.True(session.TryGetJson<Cart>(key, out var read));
        Assert.Equivalent(cart, read, strict: true);
    }

    [Fact]
    public async Task SetJson_WithOptions_StoresJsonShapedByThoseOptions()
    {
        var key = NewKey();
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);

        var session = await CommitAndReloadAsync(s => s.SetJson(key, SampleCart(), options));

        Assert.StartsWith("{\"owner\":\"alice\"", session.GetString(key), StringComparison.Ordinal);
        Assert.Equivalent(SampleCart(), session.GetJson<Cart>(key, options), strict: true);
    }

    [Fact]
    public async Task SetJson_WithSourceGeneratedTypeInfo_ThenGetJsonAfterReload_ReturnsEquivalentCart()
    {
        var key = NewKey();

        var session = await CommitAndReloadAsync(s => s.SetJson(key, SampleCart(), CartJsonContext.Default.Cart));

        Assert.Contains("\"unit_price\":9.99", session.GetString(key), StringComparison.Ordinal);
        Assert.Equivalent(SampleCart(), session.GetJson(key, CartJsonContext.Default.Cart), strict: true);
        Assert.True(session.TryGetJson(key, CartJsonContext.Default.Cart, out var read));
        Assert.Equivalent(SampleCart(), read, strict: true);
    }

    [Fact]
    public async Task SetJson_NullValue_IsReadBackAsNullAndFound()
    {
        var key = NewKey();

        var session = await CommitAndReloadAsync(s => s.SetJson<Cart?>(key, null));

        Assert.Equal("null", session.GetString(key));
        Assert.True(session.TryGetJson<Cart>(key, out var read));
        Assert.Null(read);
    }

    [Fact]
    public void GetJson_MissingKey_ReturnsDefaultAndTryGetJsonReturnsFalseWithoutLogging()
    {
        var session = NewSession();
        var logger = new RecordingLogger();
        session.SetJson(NewKey(), 42);
        var missing = NewKey();

        Assert.Null(session.GetJson<Cart>(missing));
        Assert.Null(session.GetJson(missing, CartJsonContext.Default.Cart));
        Assert.Equal(0, session.GetJson<int>(missing));
        Assert.False(session.TryGetJson<int>(missing, out var number, logger: logger));
        Assert.Equal(0, number);
        Assert.False(session.TryGetJson(missing, CartJsonContext.Default.Cart, out var cart, logger));
        Assert.Null(cart);
        Assert.Empty(logger.Entries);
    }

    // Not JSON at all; JSON of another type; an object whose list is a string (under both the reflection and the
    // snake_case names, so that both contracts see the wrong shape).
    public static TheoryData<string> UnreadableValues => new()
    {
        SecretValue,
        $"[\"{SecretValue}\"]",
        $"{{\"Owner\":\"{SecretValue}\",\"Lines\":\"{SecretValue}\",\"lines\":\"{SecretValue}\"}}",
    };

    [Theory]
    [MemberData(nameof(UnreadableValues))]
    public async Task GetJson_UnreadableValue_ThrowsSessionValueExceptionNamingKeyAndTypeButNotTheValue(string stored)
    {
        var key = NewKey();
        var session = await CommitAndReloadAsync(s => s.Set(key, Encoding.UTF8.GetBytes(stored)));

        var reflection = Assert.Throws<SessionValueException>(() => session.GetJson<Cart>(key));
        var generated = Assert.Throws<SessionValueException>(() => session.GetJson(key, CartJsonContext.Default.Cart));

        foreach (var exception in new[] { reflection, generated })
        {
            Assert.Equal(key, exception.Key);
            Assert.Equal(typeof(Cart), exception.TargetType);
            Assert.Contains(key, exception.Message, StringComparison.Ordinal);
            Assert.Contains(typeof(Cart).ToString(), exception.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(SecretValue, exception.Message, StringComparison.Ordinal);
            Assert.IsType<JsonException>(exception.InnerException);
        }
    }

    [Theory]
    [MemberData(nameof(UnreadableValues))]
    public async Task TryGetJson_UnreadableValue_ReturnsFalseAndLogsWarningNamingKeyAndTypeButNotTheValue(string stored)
    {
        var key = NewKey();
        var session = await CommitAndReloadAsync(s => s.Set(key, Encoding.UTF8.GetBytes(stored)));
        var logger = new RecordingLogger();

        Assert.False(session.TryGetJson<Cart>(key, out var viaReflection, logger: logger));
        Assert.False(session.TryGetJson(key, CartJsonContext.Default.Cart, out var viaContext, logger));

        Assert.Null(viaReflection);
        Assert.Null(viaContext);
        Assert.Equal(2, logger.Entries.Count);
        Assert.All(logger.Entries, entry =>
        {
            Assert.Equal(LogLevel.Warning, entry.Level);
            Assert.Equal(3000, entry.EventId.Id);
            Assert.Equal("UnreadableSessionValue", entry.EventId.Name);
            Assert.Contains(key, entry.Message, StringComparison.Ordinal);
            Assert.Contains(typeof(Cart).ToString(), entry.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(SecretValue, entry.Message, StringComparison.Ordinal);
            Assert.IsType<JsonException>(entry.Exception);
        });
    }

    [Fact]
    public void TryGetJson_UnreadableValueWithoutLogger_ReturnsFalse()
    {
        var key = NewKey();
        var session = NewSession();
        session.SetString(key, SecretValue);

        Assert.False(session.TryGetJson<Cart>(key, out _));
        Assert.False(session.TryGetJson(key, CartJsonContext.Default.Cart, out _));
    }

    [Fact]
    public void JsonMethods_NullArguments_ThrowArgumentNullExceptionNamingTheParameter()
    {
        var session = NewSession();
        var typeInfo = CartJsonContext.Default.Cart;
        var cart = SampleCart();

        AssertNull("session", () => SessionValueExtensions.SetJson(null!, "k", cart));
        AssertNull("key", () => session.SetJson(null!, cart));
        AssertNull("session", () => SessionValueExtensions.SetJson(null!, "k", cart, typeInfo));
        AssertNull("key", () => session.SetJson(null!, cart, typeInfo));
        AssertNull("jsonTypeInfo", () => session.SetJson("k", cart, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<Cart>)null!));

        AssertNull("session", () => SessionValueExtensions.GetJson<Cart>(null!, "k"));
        AssertNull("key", () => session.GetJson<Cart>(null!));
        AssertNull("session", () => SessionValueExtensions.GetJson(null!, "k", typeInfo));
        AssertNull("key", () => session.GetJson(null!, typeInfo));
        AssertNull("jsonTypeInfo", () => session.GetJson("k", (System.Text.Json.Serialization.Metadata.JsonTypeInfo<Cart>)null!));

        AssertNull("session", () => SessionValueExtensions.TryGetJson<Cart>(null!, "k", out _));
        AssertNull("key", () => session.TryGetJson<Cart>(null!, out _));
        AssertNull("session", () => SessionValueExtensions.TryGetJson(null!, "k", typeInfo, out _));
        AssertNull("key", () => session.TryGetJson(null!, typeInfo, out _));
        AssertNull("jsonTypeInfo", () => session.TryGetJson("k", (System.Text.Json.Serialization.Metadata.JsonTypeInfo<Cart>)null!, out _));
    }

    private static void AssertNull(string parameter, Action act) =>
        Assert.Equal(parameter, Assert.Throws<ArgumentNullException>(act).ParamName);
}
