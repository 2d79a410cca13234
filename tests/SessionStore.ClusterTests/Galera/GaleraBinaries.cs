namespace SessionStore.ClusterTests.Galera;

/// <summary>The programs and library a Galera node needs, found by <see cref="GaleraPrerequisites"/>.</summary>
/// <param name="ServerPath">mariadbd.</param>
/// <param name="InstallDbPath">mariadb-install-db, which creates the first node's system tables.</param>
/// <param name="ProviderPath">The wsrep provider, libgalera_smm.so.</param>
/// <param name="RunAsUser">The system user the nodes switch to when the tests run as root (<c>mysql</c>), else null.</param>
internal sealed record GaleraBinaries(string ServerPath, string InstallDbPath, string ProviderPath, string? RunAsUser);
