using SessionStore.Conformance;

namespace SessionStore.IntegrationTests.Conformance;

public sealed class MySqlArgumentConformance(SessionTableFixture table)
    : ArgumentContract(new MySqlCacheHarness(table)), IClassFixture<SessionTableFixture>;
