using SessionStore.Conformance;

namespace SessionStore.IntegrationTests.Conformance;

public sealed class MySqlExpirationConformance(SessionTableFixture table)
    : ExpirationContract(new MySqlCacheHarness(table)), IClassFixture<SessionTableFixture>;
