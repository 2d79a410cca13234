namespace SessionStore.DancerTests;

/// <summary>Both apps on the Dancer table with <c>last_active TIMESTAMP … ON UPDATE CURRENT_TIMESTAMP</c>.</summary>
public sealed class LastActiveTableFixture() : SharedTableFixture(DancerDatabase.LastActiveShape);
