using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using dotnet_etcd;
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
        Action<GrpcChannelOptions>? channel = options.CaCertificateFile is { } caFile ? c => c.HttpHandler = TrustingOnly(caFile) : null;
        return options.User is { } user
            ? new EtcdClient(connectionString, user, options.Password!, configureChannelOptions: channel)
            : new EtcdClient(connectionString, configureChannelOptions: channel);
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
