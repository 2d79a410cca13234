using SessionStore.DataProtection.IntegrationTests;
using SessionStore.Etcd.DataProtection;

namespace SessionStore.Etcd.Tests.DataProtection;

/// <summary>The key ring's logger in tests: keeps the name of every event, so a test sees what the store retried or skipped.</summary>
internal sealed class RecordingLogger : RecordingLogger<EtcdXmlRepository>;
