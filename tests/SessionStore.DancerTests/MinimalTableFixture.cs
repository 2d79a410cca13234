namespace SessionStore.DancerTests;

/// <summary>Both apps on the minimal Dancer table: <c>id CHAR(40) PRIMARY KEY, session_data TEXT</c>.</summary>
public sealed class MinimalTableFixture() : SharedTableFixture(DancerDatabase.MinimalShape);
