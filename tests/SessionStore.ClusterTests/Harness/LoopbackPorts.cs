using System.Net;
using System.Net.Sockets;

namespace SessionStore.ClusterTests.Harness;

/// <summary>
/// Free TCP ports on loopback addresses. Linux routes all of 127.0.0.0/8 to the loopback device, so 127.0.0.2 and
/// 127.0.0.3 need no setup. Someone may take a port between picking and binding it; a node then fails to start with
/// "Address already in use" in its log, which the start failure shows.
/// </summary>
internal static class LoopbackPorts
{
    private const int SharedPortAttempts = 20;

    /// <summary>
    /// One port free on every address. MySqlConnector has a single <c>Port</c> for all the hosts of a multi-host
    /// <c>Server</c> list, so the nodes' SQL ports must be equal, on distinct addresses.
    /// </summary>
    public static int PickShared(IReadOnlyList<IPAddress> addresses)
    {
        for (var attempt = 1; attempt <= SharedPortAttempts; attempt++)
        {
            using var first = new TcpListener(addresses[0], 0);
            first.Start();
            var port = ((IPEndPoint)first.LocalEndpoint).Port;
            if (addresses.Skip(1).All(address => IsFree(address, port)))
            {
                return port;
            }
        }

        throw new InvalidOperationException(
            $"No TCP port was free on all of {string.Join(", ", addresses)} in {SharedPortAttempts} attempts.");
    }

    /// <summary>Distinct free ports on one address: every listener is held until all are picked.</summary>
    public static int[] Pick(IPAddress address, int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(address, 0);
                listeners.Add(listener);
                listener.Start();
            }

            return listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Dispose();
            }
        }
    }

    private static bool IsFree(IPAddress address, int port)
    {
        try
        {
            using var listener = new TcpListener(address, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
