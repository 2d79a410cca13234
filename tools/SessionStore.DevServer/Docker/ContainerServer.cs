using System.Security.Cryptography;
using Testcontainers.MySql;

namespace SessionStore.DevServer.Docker;

/// <summary>
/// A MySQL container started through Testcontainers, removed on dispose (and by Testcontainers' resource
/// reaper should this process die first).
/// </summary>
internal sealed class ContainerServer : IAsyncDisposable
{
    private readonly MySqlContainer _container;

    private ContainerServer(MySqlContainer container, string image)
    {
        _container = container;
        Image = image;
    }

    public string Image { get; }

    /// <summary>
    /// Root on the container's mapped port, with the password Testcontainers was given.
    /// </summary>
    public string ConnectionString => _container.GetConnectionString();

    /// <summary>
    /// Where the container can be reached and which it is; no password.
    /// </summary>
    public string Location => $"Testcontainers {Image}, container {_container.Id[..Math.Min(12, _container.Id.Length)]}, "
        + $"{_container.Hostname}:{_container.GetMappedPublicPort(3306)}";

    /// <summary>
    /// Starts the container. Throws <see cref="DotNet.Testcontainers.Builders.DockerUnavailableException"/> when
    /// Testcontainers cannot reach an engine after all.
    /// </summary>
    public static async Task<ContainerServer> StartAsync(string image, string database, CancellationToken cancellationToken)
    {
        var container = new MySqlBuilder(image)
            .WithUsername("root")
            .WithPassword(RandomNumberGenerator.GetHexString(24, lowercase: true))
            .WithDatabase(database)
            .WithCommand(
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_unicode_ci",
                "--max-allowed-packet=64M",
                "--default-time-zone=+00:00",
                "--innodb-flush-log-at-trx-commit=2",
                // MySQL 8 writes a binary log by default; a test server has no replica to feed.
                "--skip-log-bin")
            .Build();
        try
        {
            await container.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await container.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new ContainerServer(container, image);
    }

    public ValueTask DisposeAsync() => _container.DisposeAsync();
}
