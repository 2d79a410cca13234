using Microsoft.AspNetCore.DataProtection;
using MySqlConnector;

namespace SessionSample.Hosting;

/// <summary>
/// Sessions, and the Data Protection key ring beside them, configured from the <c>SessionStore</c> section of
/// appsettings.json. <c>Store</c> picks the backend: <c>mysql</c> (the default: <c>Dsn</c>, <c>Table</c>, <c>User</c>,
/// <c>Password</c>, <c>CreateTableIfMissing</c>, <c>UseDataSource</c>) or <c>etcd</c> (the <c>Etcd</c> subsection:
/// <c>Dsn</c> or <c>Endpoints</c>, <c>User</c>, <c>Password</c>, <c>KeyPrefix</c>, as <c>AddEtcdSessionCache</c> reads them).
/// </summary>
internal static class SessionStorage
{
    /// <summary>Whether <c>SessionStore:Store</c> asks for etcd; throws for a value that names no store.</summary>
    public static bool UsesEtcd(IConfigurationSection section)
    {
        var store = section["Store"];
        if (string.IsNullOrWhiteSpace(store) || store.Equals("mysql", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return store.Equals("etcd", StringComparison.OrdinalIgnoreCase)
            ? true
            : throw new InvalidOperationException($"SessionStore:Store is '{store}'; use 'mysql' (the default) or 'etcd'.");
    }

    public static WebApplicationBuilder AddSessionStorage(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("SessionStore");
        if (UsesEtcd(section))
        {
            AddEtcd(builder, section.GetSection("Etcd"));
        }
        else
        {
            AddMySql(builder, section);
        }

        builder.Services.AddSession(o =>
        {
            o.IdleTimeout = TimeSpan.FromMinutes(20);
            o.Cookie.Name = ".SessionSample";
            o.Cookie.HttpOnly = true;
            o.Cookie.IsEssential = true;
        });
        builder.Services.AddAntiforgery();
        return builder;
    }

    private static void AddEtcd(WebApplicationBuilder builder, IConfigurationSection etcd)
    {
        NullIfEmpty(etcd, "Dsn", "User", "Password");
        builder.Services.AddEtcdSessionCache(etcd);

        // The key ring in the same etcd (under dataprotection/, beside the sessions' prefix), through the same connection
        // options: a farm of instances needs nothing but etcd.
        builder.Services.AddDataProtection()
            .SetApplicationName("SessionSample")
            .PersistKeysToEtcd();

        // A password never reaches the console; the member list does, since the second instance needs it.
        var members = etcd["Dsn"] is { } dsn ? $"Dsn {dsn}" : string.Join(", ", etcd.GetSection("Endpoints").Get<string[]>() ?? []);
        Console.WriteLine(
            $"Sessions: etcd ({members}) through EtcdSessionCache, key prefix {etcd["KeyPrefix"] ?? "sessions/"}; " +
            "Data Protection key ring: the same etcd, under dataprotection/.");
    }

    private static void AddMySql(WebApplicationBuilder builder, IConfigurationSection section)
    {
        NullIfEmpty(section, "User", "Password");
        var createTables = section.GetValue<bool>("CreateTableIfMissing");
        if (section.GetValue<bool>("UseDataSource"))
        {
            // The second variant: the app already has a MySqlDataSource in DI (MySqlConnector's AddMySqlDataSource registers
            // it as MySqlDataSource and as DbDataSource). With no connection option set, the cache and the key ring use it.
            builder.Services.AddMySqlDataSource(DataSourceConnectionString(section));
            builder.Services.AddDbiSessionCache(o =>
            {
                o.Table = section["Table"] ?? o.Table;
                o.CreateTableIfMissing = createTables;
            });
            builder.Services.AddDataProtection()
                .SetApplicationName("SessionSample")
                .PersistKeysToDbi(o => o.CreateTableIfMissing = createTables);
        }
        else
        {
            builder.Services.AddDbiSessionCache(section);

            // Every instance of the farm must read the cookies the others protect: one application name, one key ring, kept
            // in the same database as the sessions.
            builder.Services.AddDataProtection()
                .SetApplicationName("SessionSample")
                .PersistKeysToDbi(o =>
                {
                    o.Dsn = section["Dsn"];
                    o.User = section["User"];
                    o.Password = section["Password"];
                    o.CreateTableIfMissing = createTables;
                });
        }

        Console.WriteLine(
            $"Sessions: MySQL/MariaDB (SessionStore:Dsn) through DbiSessionCache, table {section["Table"] ?? "sessions"}; " +
            "Data Protection key ring: the same database.");
    }

    // Empty strings in appsettings.json mean "not set".
    private static void NullIfEmpty(IConfigurationSection section, params string[] keys)
    {
        foreach (var key in keys)
        {
            if (string.IsNullOrEmpty(section[key]))
            {
                section[key] = null;
            }
        }
    }

    // MySqlDataSource takes a MySqlConnector connection string; the Perl DBI form ("DBI:mysql:…") is translated only by the
    // library's own Dsn option, so it is refused here with a message rather than by the driver with a puzzling one.
    private static string DataSourceConnectionString(IConfigurationSection section)
    {
        var dsn = section["Dsn"] ?? "";
        if (dsn.StartsWith("DBI:", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                "SessionStore:UseDataSource needs SessionStore:Dsn as a MySqlConnector connection string (Server=…;Database=…), not a Perl DBI DSN.");
        }

        var connectionString = new MySqlConnectionStringBuilder(dsn);
        if (section["User"] is { } user)
        {
            connectionString.UserID = user;
        }

        if (section["Password"] is { } password)
        {
            connectionString.Password = password;
        }

        return connectionString.ConnectionString;
    }
}
