using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SessionStore.Etcd.Tests.Security;

/// <summary>A throwaway etcd serving clients over TLS only, with a certificate for 127.0.0.1 from a throwaway CA.</summary>
public sealed class EtcdTlsFixture : IAsyncLifetime
{
    private LocalEtcd? _etcd;
    private TestCertificateAuthority? _authority;

    /// <summary>The <c>https://127.0.0.1:PORT</c> client URL.</summary>
    public string Endpoint => Started.Endpoint;

    /// <summary>The member as a DSN (<c>host=127.0.0.1;port=PORT</c>), which needs <see cref="EtcdSessionCacheOptions.UseTls"/> for https.</summary>
    public string Dsn => $"host=127.0.0.1;port={Started.Port}";

    /// <summary>The PEM file of the CA that signed the member's certificate.</summary>
    public string CaFile => (_authority ?? throw new InvalidOperationException("The etcd has not started.")).CaFile;

    private LocalEtcd Started => _etcd ?? throw new InvalidOperationException("The etcd has not started.");

    public async Task InitializeAsync()
    {
        var directory = Directory.CreateTempSubdirectory("sessionstore-etcd-tls-").FullName;
        try
        {
            _authority = TestCertificateAuthority.Create(directory);
            using var authority = X509CertificateLoader.LoadCertificateFromFile(_authority.CaFile);
            using var probe = new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions
                {
                    CertificateChainPolicy = new X509ChainPolicy
                    {
                        TrustMode = X509ChainTrustMode.CustomRootTrust,
                        CustomTrustStore = { authority },
                        RevocationMode = X509RevocationMode.NoCheck,
                    },
                },
            };
            _etcd = await LocalEtcd.StartAsync(
                directory, "https", ["--cert-file", _authority.ServerCertificateFile, "--key-file", _authority.ServerKeyFile], probe);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_etcd is not null)
        {
            await _etcd.DisposeAsync();
        }
    }
}
