namespace SessionStore.DancerTests;

public sealed class MinimalTableSharedSessionTests(MinimalTableFixture fixture)
    : SharedSessionTests(fixture), IClassFixture<MinimalTableFixture>;
