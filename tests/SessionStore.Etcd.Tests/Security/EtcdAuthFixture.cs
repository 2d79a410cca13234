namespace SessionStore.Etcd.Tests.Security;

/// <summary>
/// A throwaway plain-HTTP etcd with authentication enabled, set up as an operator would with etcdctl: <c>root</c>,
/// <c>app</c> (role <c>sessions-rw</c>: readwrite on the <c>sessions/</c> prefix) and <c>outsider</c> (role <c>other-rw</c>:
/// readwrite on <c>other/</c> only). Tokens live <see cref="TokenTtl"/> after their last use, so a test can outlive one.
/// </summary>
public sealed class EtcdAuthFixture : IAsyncLifetime
{
    public const string RootPassword = "root-secret";
    public const string AppUser = "app";
    public const string AppPassword = "app-secret";
    public const string OutsiderUser = "outsider";
    public const string OutsiderPassword = "outsider-secret";

    /// <summary>etcd's <c>--auth-token-ttl</c> here (the default is 300 s).</summary>
    public static readonly TimeSpan TokenTtl = TimeSpan.FromSeconds(2);

    private LocalEtcd? _etcd;

    /// <summary>The <c>http://127.0.0.1:PORT</c> client URL.</summary>
    public string Endpoint => (_etcd ?? throw new InvalidOperationException("The etcd has not started.")).Endpoint;

    public async Task InitializeAsync()
    {
        var directory = Directory.CreateTempSubdirectory("sessionstore-etcd-auth-").FullName;
        try
        {
            using var probe = new SocketsHttpHandler();
            _etcd = await LocalEtcd.StartAsync(directory, "http", ["--auth-token", "simple", "--auth-token-ttl", $"{(int)TokenTtl.TotalSeconds}"], probe);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }

        var etcdctl = new Etcdctl(_etcd.Endpoint);
        await etcdctl.RunAsync("role", "add", "root");
        await etcdctl.RunAsync("user", "add", $"root:{RootPassword}", "--interactive=false");
        await etcdctl.RunAsync("user", "grant-role", "root", "root");
        await etcdctl.RunAsync("role", "add", "sessions-rw");
        await etcdctl.RunAsync("role", "grant-permission", "sessions-rw", "--prefix=true", "readwrite", "sessions/");
        await etcdctl.RunAsync("user", "add", $"{AppUser}:{AppPassword}", "--interactive=false");
        await etcdctl.RunAsync("user", "grant-role", AppUser, "sessions-rw");
        await etcdctl.RunAsync("role", "add", "other-rw");
        await etcdctl.RunAsync("role", "grant-permission", "other-rw", "--prefix=true", "readwrite", "other/");
        await etcdctl.RunAsync("user", "add", $"{OutsiderUser}:{OutsiderPassword}", "--interactive=false");
        await etcdctl.RunAsync("user", "grant-role", OutsiderUser, "other-rw");
        await etcdctl.RunAsync("auth", "enable");
    }

    public async Task DisposeAsync()
    {
        if (_etcd is not null)
        {
            await _etcd.DisposeAsync();
        }
    }
}
