using SessionStore.Conformance;

namespace SessionStore.IntegrationTests.Conformance;

public sealed class MySqlLifetimeConformance(SessionTableFixture table)
    : LifetimeContract(new MySqlCacheHarness(table)), IClassFixture<SessionTableFixture>;
