using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SessionStore.Etcd.Tests.Security;

/// <summary>
/// A throwaway certificate authority and a server certificate it signed for 127.0.0.1 (an IP SAN, which is what gRPC checks),
/// written as PEM files into a directory of the caller's. Made with <see cref="CertificateRequest"/>, so no openssl is needed.
/// </summary>
internal sealed class TestCertificateAuthority
{
    private TestCertificateAuthority(string caFile, string serverCertificateFile, string serverKeyFile)
    {
        CaFile = caFile;
        ServerCertificateFile = serverCertificateFile;
        ServerKeyFile = serverKeyFile;
    }

    /// <summary>The CA's certificate (PEM): what <see cref="EtcdSessionCacheOptions.CaCertificateFile"/> names.</summary>
    public string CaFile { get; }

    /// <summary>The server certificate (PEM), for etcd's <c>--cert-file</c>.</summary>
    public string ServerCertificateFile { get; }

    /// <summary>The server's PKCS#8 private key (PEM), for etcd's <c>--key-file</c>.</summary>
    public string ServerKeyFile { get; }

    public static TestCertificateAuthority Create(string directory)
    {
        var notBefore = DateTimeOffset.UtcNow.AddHours(-1);
        var notAfter = DateTimeOffset.UtcNow.AddDays(1);

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=SessionStore throwaway test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, critical: false));
        using var ca = caRequest.CreateSelfSigned(notBefore, notAfter);

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        using var server = serverRequest.Create(ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));

        var authority = new TestCertificateAuthority(
            Path.Combine(directory, "ca.pem"), Path.Combine(directory, "server.pem"), Path.Combine(directory, "server-key.pem"));
        File.WriteAllText(authority.CaFile, ca.ExportCertificatePem());
        File.WriteAllText(authority.ServerCertificateFile, server.ExportCertificatePem());
        File.WriteAllText(authority.ServerKeyFile, serverKey.ExportPkcs8PrivateKeyPem());
        return authority;
    }
}
