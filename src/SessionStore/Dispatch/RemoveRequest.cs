namespace SessionStore.Dispatch;

/// <summary>A removal of one stored id.</summary>
internal readonly record struct RemoveRequest(string Id);
