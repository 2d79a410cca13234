using System.Net;
using System.Net.Sockets;

namespace SessionStore.DevServer.LocalProcess;

/// <summary>
/// Picks a loopback port nobody listens on right now.
/// </summary>
internal static class FreeTcpPort
{
    /// <summary>
    /// Asks the kernel for a free port by binding port 0. Someone else may take it before the server binds it;
    /// the caller retries on that clash.
    /// </summary>
    public static int Pick()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
