namespace SessionStore.Conformance;

/// <summary>
/// What a backend gives the conformance suite: caches on one store of its own, each with a fake clock.
/// </summary>
/// <remarks>
/// <para>
/// The suite is the contract README.md states under "What the cache guarantees" and "Lazy sliding", written once for
/// every store. It lives in abstract classes, one per concern: <see cref="RoundTripContract"/>,
/// <see cref="KeyContract"/>, <see cref="ArgumentContract"/>, <see cref="ExpirationContract"/>,
/// <see cref="LazySlidingContract"/> and <see cref="LifetimeContract"/>. A backend's test project runs it by
/// </para>
/// <list type="number">
/// <item>referencing this project (<c>tests/SessionStore.Conformance</c>) beside xunit and the test SDK;</item>
/// <item>implementing this interface and <see cref="CacheUnderTest"/> on its store: a cache registered through the
/// backend's real DI extension with a <see cref="Microsoft.Extensions.Time.Testing.FakeTimeProvider"/> as its
/// <see cref="TimeProvider"/>, and the three probes that read the store around the cache;</item>
/// <item>deriving one sealed class per contract that hands the base class a harness on a store the class owns (a
/// class fixture: a table, a key prefix), for instance
/// <c>public sealed class EtcdRoundTripConformance(EtcdFixture etcd) : RoundTripContract(new EtcdCacheHarness(etcd)), IClassFixture&lt;EtcdFixture&gt;;</c>
/// The MySQL store's classes are in <c>tests/SessionStore.IntegrationTests/Conformance/</c>.</item>
/// </list>
/// <para>
/// Every test owns its keys, and the tests of one class run one after another, so the store may be shared by all the
/// caches a harness creates (some tests use two). Tests that depend on one backend (its SQL, its layouts, its limits,
/// its statement counts) stay in that backend's own test project.
/// </para>
/// </remarks>
public interface ICacheHarness
{
    /// <summary>
    /// The largest value, in bytes, that the round-trip tests store: a large value the backend promises to keep byte for
    /// byte (MySQL: 5 MiB, well under its 16 MiB column; etcd: under its 1.5 MiB request limit).
    /// </summary>
    int LargeValueLength { get; }

    /// <summary>
    /// A new cache on this harness's store, with a fresh fake clock at the same instant for every cache, and the
    /// backend-neutral options of <paramref name="configure"/> applied on top of the backend's defaults.
    /// </summary>
    CacheUnderTest Create(Action<ConformanceOptions>? configure = null);
}
