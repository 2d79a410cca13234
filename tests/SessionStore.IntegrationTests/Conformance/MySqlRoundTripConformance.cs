using SessionStore.Conformance;

namespace SessionStore.IntegrationTests.Conformance;

public sealed class MySqlRoundTripConformance(SessionTableFixture table)
    : RoundTripContract(new MySqlCacheHarness(table)), IClassFixture<SessionTableFixture>;
