using System.Xml;
using System.Xml.Linq;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Logging;
using SessionStore.Connections;
using SessionStore.Etcd.Connections;

namespace SessionStore.Etcd.DataProtection;

/// <summary>
/// The Data Protection key ring in etcd, one key per element (<c>KeyPrefix</c> and the element's friendly name), without a
/// lease: the key manager never deletes an element. It calls the store rarely: to read the ring when the app starts and then
/// about once a day, and to store a key when one is created (every 90 days by default) or revoked. Reads are linearizable, so
/// a server sees a key another server stored a moment earlier. Each request is idempotent (a range read, a plain put of the
/// same bytes), so it is retried whole on the errors <see cref="EtcdTransientErrors"/> calls transient, with the cache's pauses
/// and the cache's deadline per attempt (<see cref="EtcdRequestDeadline"/>). The deadline matters more here than in the cache:
/// <see cref="IXmlRepository"/> takes no cancellation token, so without it a read at startup could wait on a dead member forever.
/// </summary>
internal sealed partial class EtcdXmlRepository : IXmlRepository, IDisposable
{
    private readonly EtcdClient _client;
    private readonly bool _ownsClient;
    private readonly EtcdRetry _retry;
    private readonly string _prefix;
    private readonly ByteString _rangeStart;
    private readonly ByteString _rangeEnd;
    private readonly ILogger _logger;
    private volatile bool _disposed;

    public EtcdXmlRepository(
        EtcdXmlRepositoryOptions options, EtcdClient client, bool ownsClient, EtcdRequestDeadline deadline, ILogger<EtcdXmlRepository> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(deadline);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentException.ThrowIfNullOrEmpty(options.KeyPrefix);
        _client = client;
        _ownsClient = ownsClient;
        _retry = new EtcdRetry(deadline, (ex, attempt) => LogTransientRetry(ex.StatusCode, attempt));
        _prefix = options.KeyPrefix;
        _rangeStart = ByteString.CopyFromUtf8(_prefix);
        _rangeEnd = RangeEnd(_rangeStart);
        _logger = logger;
    }

    /// <inheritdoc />
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        // One range, unpaged: a ring gains a key every 90 days and a revocation now and then, a few kilobytes each.
        var request = new RangeRequest { Key = _rangeStart, RangeEnd = _rangeEnd };
        var response = Run(until => _client.Get(request, null, until, CancellationToken.None));
        var elements = new List<XElement>(response.Kvs.Count);
        foreach (var kv in response.Kvs)
        {
            try
            {
                elements.Add(XElement.Parse(kv.Value.ToStringUtf8()));
            }
            catch (XmlException ex)
            {
                // One damaged element must not take the whole ring (and with it every server of the farm) down; the key
                // manager then simply does not know that key, as it would not know a key in a damaged file of the file-system store.
                LogUnreadableElementSkipped(ex, kv.Key.ToStringUtf8()[_prefix.Length..], _prefix);
            }
        }

        LogElementsRead(elements.Count, _prefix);
        return elements.AsReadOnly();
    }

    /// <inheritdoc />
    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var storedName = StoredFriendlyName(friendlyName);
        if (!string.Equals(storedName, friendlyName, StringComparison.Ordinal))
        {
            LogFriendlyNameReplaced(storedName);
        }

        var request = new PutRequest
        {
            Key = ByteString.CopyFromUtf8(_prefix + storedName),
            Value = ByteString.CopyFromUtf8(element.ToString(SaveOptions.DisableFormatting)),
        };
        Run(until => _client.Put(request, null, until, CancellationToken.None));
        LogElementStored(storedName, _prefix);
    }

    /// <summary>Disposes the etcd client when the store built it; one from DI stays the app's.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    /// <summary>
    /// The name the element is stored under: the key manager's own (<c>key-{guid}</c>), or a new unique one when it gave none.
    /// <see cref="IXmlRepository.StoreElement"/> allows a store to ignore the name, and the file-system store replaces names it
    /// cannot use in the same way. etcd keys take any bytes, so no name is too long short of the request limit.
    /// </summary>
    internal static string StoredFriendlyName(string? friendlyName) =>
        string.IsNullOrWhiteSpace(friendlyName) ? "element-" + Guid.NewGuid().ToString("D") : friendlyName;

    /// <summary>The end of etcd's range for every key starting with <paramref name="prefix"/>: the prefix with its last byte below 0xFF incremented.</summary>
    internal static ByteString RangeEnd(ByteString prefix)
    {
        var end = prefix.ToByteArray();
        for (var i = end.Length - 1; i >= 0; i--)
        {
            if (end[i] < 0xFF)
            {
                end[i]++;
                return ByteString.CopyFrom(end, 0, i + 1);
            }
        }

        return ByteString.CopyFrom(0); // A prefix of only 0xFF bytes: to the end of the keyspace ("\0" is etcd's "all keys from Key").
    }

    /// <summary>
    /// Runs a synchronous etcd call with the cache's retries (<see cref="EtcdRetry"/>). Synchronous because
    /// <see cref="IXmlRepository"/> is: the key manager calls it synchronously, and blocking on async gRPC would only add a
    /// thread-pool hop.
    /// </summary>
    private T Run<T>(Func<DateTime?, T> call) => _retry.Run(call);
}
