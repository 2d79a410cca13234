using SessionStore.Conformance;

namespace SessionStore.IntegrationTests.Conformance;

public sealed class MySqlKeyConformance(SessionTableFixture table)
    : KeyContract(new MySqlCacheHarness(table)), IClassFixture<SessionTableFixture>;
