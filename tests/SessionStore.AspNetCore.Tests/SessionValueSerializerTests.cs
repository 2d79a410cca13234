using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using static SessionStore.AspNetCore.Tests.SessionValueTestKit;

namespace SessionStore.AspNetCore.Tests;

public sealed class SessionValueSerializerTests
{
    private const string SecretValue = "secret-token-4711";

    [Fact]
    public async Task Set_WithCustomSerializer_ThenGetAfterReload_RoundTripsThroughItsFormat()
    {
        var key = NewKey();
        var serializer = new VersionedSessionValueSerializer();

        var session = await CommitAndReloadAsync(s => s.Set(key, SampleCart(), serializer));

        Assert.Equal(VersionedSessionValueSerializer.FormatVersion, session.Get(key)![0]);
        Assert.Equivalent(SampleCart(), session.Get<Cart>(key, serializer), strict: true);
        Assert.True(session.TryGet<Cart>(key, serializer, out var read));
        Assert.Equivalent(SampleCart(), read, strict: true);
    }

    [Fact]
    public void Get_CustomSerializerRejectsTheData_ThrowsSessionValueExceptionWrappingItsException()
    {
        var key = NewKey();
        var session = NewSession();
        session.SetString(key, SecretValue);

        var exception = Assert.Throws<SessionValueException>(() => session.Get<Cart>(key, new VersionedSessionValueSerializer()));

        Assert.Equal(key, exception.Key);
        Assert.Equal(typeof(Cart), exception.TargetType);
        Assert.Contains(key, exception.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(Cart).ToString(), exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretValue, exception.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidDataException>(exception.InnerException);
    }

    [Fact]
    public void TryGet_CustomSerializerRejectsTheData_ReturnsFalseAndLogsWarning()
    {
        var key = NewKey();
        var session = NewSession();
        session.SetString(key, SecretValue);
        var logger = new RecordingLogger();

        Assert.False(session.TryGet<Cart>(key, new VersionedSessionValueSerializer(), out var value, logger));

        Assert.Null(value);
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal(new EventId(3000, "UnreadableSessionValue"), entry.EventId);
        Assert.Contains(key, entry.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(Cart).ToString(), entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretValue, entry.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidDataException>(entry.Exception);
    }

    [Fact]
    public void Get_MissingKey_ReturnsDefaultAndTryGetReturnsFalseWithoutLogging()
    {
        var session = NewSession();
        var serializer = new VersionedSessionValueSerializer();
        var logger = new RecordingLogger();
        session.Set(NewKey(), 7, serializer);
        var missing = NewKey();

        Assert.Null(session.Get<Cart>(missing, serializer));
        Assert.Equal(0, session.Get<int>(missing, serializer));
        Assert.False(session.TryGet<int>(missing, serializer, out var number, logger));
        Assert.Equal(0, number);
        Assert.Empty(logger.Entries);
    }

    [Fact]
    public async Task JsonSessionValueSerializerDefault_ReadsWhatSetJsonWrote()
    {
        var key = NewKey();

        var session = await CommitAndReloadAsync(s => s.SetJson(key, SampleCart()));

        Assert.Equivalent(SampleCart(), session.Get<Cart>(key, JsonSessionValueSerializer.Default), strict: true);
    }

    [Fact]
    public async Task JsonSessionValueSerializer_FromSourceGeneratedOptions_WritesWithThatContract()
    {
        var key = NewKey();
        var serializer = new JsonSessionValueSerializer(CartJsonContext.Default.Options);

        var session = await CommitAndReloadAsync(s => s.Set(key, SampleCart(), serializer));

        Assert.Contains("\"unit_price\":9.99", session.GetString(key), StringComparison.Ordinal);
        Assert.Equivalent(SampleCart(), session.Get<Cart>(key, serializer), strict: true);
        Assert.Equivalent(SampleCart(), session.GetJson(key, CartJsonContext.Default.Cart), strict: true);
    }

    [Fact]
    public void JsonSessionValueSerializer_OptionsWithoutTypeInfoResolver_ThrowsArgumentExceptionSayingWhatToSet()
    {
        var exception = Assert.Throws<ArgumentException>(() => _ = new JsonSessionValueSerializer(new JsonSerializerOptions()));

        Assert.Equal("options", exception.ParamName);
        Assert.Contains("TypeInfoResolver", exception.Message, StringComparison.Ordinal);
        Assert.Contains("JsonSerializerContext", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Set_SerializerReturnsNull_ThrowsInvalidOperationExceptionNamingTheSerializer()
    {
        var key = NewKey();
        var session = NewSession();

        var exception = Assert.Throws<InvalidOperationException>(() => session.Set(key, SampleCart(), new NullReturningSerializer()));

        Assert.Contains(nameof(NullReturningSerializer), exception.Message, StringComparison.Ordinal);
        Assert.False(session.TryGetValue(key, out _));
    }

    [Fact]
    public void SerializerMethods_NullArguments_ThrowArgumentNullExceptionNamingTheParameter()
    {
        var session = NewSession();
        var serializer = new VersionedSessionValueSerializer();
        var cart = SampleCart();

        AssertNull("session", () => SessionValueExtensions.Set(null!, "k", cart, serializer));
        AssertNull("key", () => session.Set(null!, cart, serializer));
        AssertNull("serializer", () => session.Set("k", cart, null!));
        AssertNull("session", () => SessionValueExtensions.Get<Cart>(null!, "k", serializer));
        AssertNull("key", () => session.Get<Cart>(null!, serializer));
        AssertNull("serializer", () => session.Get<Cart>("k", null!));
        AssertNull("session", () => SessionValueExtensions.TryGet<Cart>(null!, "k", serializer, out _));
        AssertNull("key", () => session.TryGet<Cart>(null!, serializer, out _));
        AssertNull("serializer", () => session.TryGet<Cart>("k", null!, out _));
        AssertNull("options", () => _ = new JsonSessionValueSerializer(null!));
    }

    private static void AssertNull(string parameter, Action act) =>
        Assert.Equal(parameter, Assert.Throws<ArgumentNullException>(act).ParamName);

    /// <summary>
    /// A custom format, as an app would plug one in: a version byte in front of JSON, so that a later format can be told
    /// apart from this one. Data without the header is rejected.
    /// </summary>
    private sealed class VersionedSessionValueSerializer : ISessionValueSerializer
    {
        public const byte FormatVersion = 0x01;

        private static readonly JsonSerializerOptions s_options = new() { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

        public byte[] Serialize<T>(T value)
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(value, s_options);
            var data = new byte[json.Length + 1];
            data[0] = FormatVersion;
            json.CopyTo(data, 1);
            return data;
        }

        public T? Deserialize<T>(ReadOnlySpan<byte> data) =>
            data.IsEmpty || data[0] != FormatVersion
                ? throw new InvalidDataException($"Expected format version {FormatVersion}.")
                : JsonSerializer.Deserialize<T>(data[1..], s_options);
    }

    private sealed class NullReturningSerializer : ISessionValueSerializer
    {
        public byte[] Serialize<T>(T value) => null!;

        public T? Deserialize<T>(ReadOnlySpan<byte> data) => default;
    }
}
