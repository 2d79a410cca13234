using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SessionStore.Etcd.DataProtection;

namespace SessionStore.Etcd.Tests.DataProtection;

/// <summary>The key ring's logger in tests: keeps the name of every event, so a test sees what the store retried or skipped.</summary>
public sealed class RecordingLogger : ILogger<EtcdXmlRepository>
{
    private readonly ConcurrentQueue<string> _events = new();

    public IReadOnlyCollection<string> EventNames => _events;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _events.Enqueue(eventId.Name ?? eventId.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
