namespace SessionStore.Dispatch;

/// <summary>An extension of one stored id at <paramref name="Now"/>, if it is due by <paramref name="Threshold"/>.</summary>
internal readonly record struct ExtendRequest(string Id, DateTime Now, double Threshold);
