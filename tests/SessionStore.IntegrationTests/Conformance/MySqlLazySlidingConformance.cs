using SessionStore.Conformance;

namespace SessionStore.IntegrationTests.Conformance;

public sealed class MySqlLazySlidingConformance(SessionTableFixture table)
    : LazySlidingContract(new MySqlCacheHarness(table)), IClassFixture<SessionTableFixture>;
