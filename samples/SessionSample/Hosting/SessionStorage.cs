using Microsoft.AspNetCore.DataProtection;
using MySqlConnector;

namespace SessionSample.Hosting;

/// <summary>
/// Sessions in MySQL/MariaDB, and the Data Protection key ring beside them, configured from the <c>SessionStore</c> section
/// of appsettings.json (<c>Dsn</c>, <c>Table</c>, <c>User</c>, <c>Password</c>, <c>CreateTableIfMissing</c>, <c>UseDataSource</c>).
/// </summary>
internal static class SessionStorage
{
    public static WebApplicationBuilder AddSessionStorage(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("SessionStore");

        // Empty strings in appsettings.json mean "not set".
        foreach (var key in new[] { "User", "Password" })
        {
            if (string.IsNullOrEmpty(section[key]))
            {
                section[key] = null;
            }
        }

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
