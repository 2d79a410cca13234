using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SessionStore.DataProtection.IntegrationTests;

/// <summary>
/// A key ring's logger in tests: keeps the name of every event, so a test sees what the store retried or skipped. Shared
/// with the etcd tests (linked there); each project names its repository in its own <c>RecordingLogger</c>.
/// </summary>
public class RecordingLogger<TCategory> : ILogger<TCategory>
{
    private readonly ConcurrentQueue<string> _events = new();

    public IReadOnlyCollection<string> EventNames => _events;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _events.Enqueue(eventId.Name ?? eventId.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
