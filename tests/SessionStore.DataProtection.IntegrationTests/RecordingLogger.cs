using SessionStore.DataProtection.Internal;

namespace SessionStore.DataProtection.IntegrationTests;

/// <summary>The key ring's logger in tests: keeps the name of every event, so a test sees what the store retried.</summary>
internal sealed class RecordingLogger : RecordingLogger<DbiXmlRepository>;
