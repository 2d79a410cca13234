using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;

namespace SessionSample.Hosting;

/// <summary>Touches the database before the app takes requests.</summary>
internal static class StartupCheck
{
    /// <summary>
    /// Reads a session key and protects a value, so that a wrong DSN or a missing table stops the app now with the server's
    /// message instead of failing the first click, and so that the tables exist (when the app may create them) and the key
    /// ring holds a key before a second instance starts. Instances that start together on an empty ring each make a first
    /// key of their own, which the others do not know yet. Returns <see langword="false"/> after printing what to do when a
    /// table is missing or cannot be used: on an existing database with <c>CreateTableIfMissing</c> off, the usual case is the
    /// Data Protection key table, which a Dancer app's database does not have.
    /// </summary>
    public static async Task<bool> RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        try
        {
            await services.GetRequiredService<IDistributedCache>().GetAsync("startup-check", cancellationToken);
            services.GetRequiredService<IDataProtectionProvider>().CreateProtector("SessionSample.StartupCheck").Protect("ok");
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException || ex is CryptographicException { InnerException: InvalidOperationException })
        {
            // Data Protection wraps its key store's failure; the store's own message is the one that says what to run.
            var message = ex is CryptographicException ? ex.InnerException!.Message : ex.Message;
            await Console.Error.WriteLineAsync(
                $"SessionSample cannot start on this database: {message}{Environment.NewLine}" +
                "In this sample the option is SessionStore:CreateTableIfMissing (appsettings.json, or --SessionStore:CreateTableIfMissing true), " +
                "for the sessions table and the key table alike. On an existing database, README.md \"Coming from Dancer\" lists what to run first.");
            return false;
        }
    }
}
