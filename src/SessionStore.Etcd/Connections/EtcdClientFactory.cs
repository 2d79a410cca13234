using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using dotnet_etcd;
using Grpc.Core;
using Grpc.Net.Client;
using SessionStore.Etcd.Configuration;

namespace SessionStore.Etcd.Connections;

/// <summary>Builds the <see cref="EtcdClient"/> for <see cref="EtcdSessionCacheOptions"/> that name their members.</summary>
internal static class EtcdClientFactory
{
    public static EtcdClient Create(EtcdSessionCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IEnumerable<string> endpoints = options.Dsn is { } dsn
            ? EtcdDsn.Parse(dsn, options.UseTls).Select(uri => uri.GetLeftPart(UriPartial.Authority))
            : options.Endpoints;

        // dotnet-etcd takes the members as one comma-separated string and balances across them.
        var connectionString = string.Join(',', endpoints);
        var caFile = options.CaCertificateFile;

        // dotnet-etcd 10.0.0 puts every member behind one static:/// address, so the URLs' https scheme never reaches the
        // channel: without SecureSsl it spoke plaintext HTTP/2 to a TLS port ("the server did not complete the HTTP/2 handshake").
        var useTls = options.UseTls || endpoints.Any(e => e.StartsWith("https://", StringComparison.OrdinalIgnoreCase));
        EtcdClient? client = null;
        var user = options.User;
        var password = options.Password!;
        void channel(GrpcChannelOptions c)
        {
            WithoutGrpcRetries(c);
            if (useTls)
            {
                c.Credentials = ChannelCredentials.SecureSsl;
            }

            if (user is null && caFile is null)
            {
                return;
            }

            HttpMessageHandler transport = caFile is not null ? TrustingOnly(caFile) : new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
            c.HttpHandler = user is null
                ? transport
                : new EtcdTokenRejectionHandler(() => client?.SetCredentials(user, password)) { InnerHandler = transport };
        }

        client = user is not null
            ? new EtcdClient(connectionString, user, password, configureChannelOptions: channel)
            : new EtcdClient(connectionString, configureChannelOptions: channel);
        return client;
    }

    /// <summary>
    /// Removes the gRPC retry policy dotnet-etcd 10.0.0 puts on every method (5 attempts on Unavailable, backoff from 1 s,
    /// throttled at 10 tokens), keeping its round-robin balancing. The cache retries each request itself, with a deadline per
    /// attempt; under gRPC's policy each of those attempts was up to 5 more, whose first backoff alone (up to 1 s, to a
    /// member picked again by round robin) eats half of a 2 s deadline.
    /// </summary>
    private static void WithoutGrpcRetries(GrpcChannelOptions channel)
    {
        if (channel.ServiceConfig is { } config)
        {
            config.MethodConfigs.Clear();
            config.RetryThrottling = null;
        }
    }

    /// <summary>An HTTP handler that accepts the members' certificates only from the CA in <paramref name="caFile"/>.</summary>
    private static SocketsHttpHandler TrustingOnly(string caFile)
    {
        var authority = X509CertificateLoader.LoadCertificateFromFile(caFile);
        return new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(authority);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(certificate));
                },
            },
        };
    }
}
