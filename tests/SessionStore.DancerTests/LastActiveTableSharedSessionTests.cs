namespace SessionStore.DancerTests;

public sealed class LastActiveTableSharedSessionTests(LastActiveTableFixture fixture)
    : SharedSessionTests(fixture), IClassFixture<LastActiveTableFixture>;
