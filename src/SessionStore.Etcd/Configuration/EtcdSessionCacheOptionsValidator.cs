using dotnet_etcd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SessionStore.Etcd.Configuration;

/// <summary>
/// Checks <see cref="EtcdSessionCacheOptions"/> at startup (registered with <c>ValidateOnStart</c>) and reports every problem
/// at once, each naming its property. The password is never repeated, nor the whole DSN.
/// </summary>
internal sealed class EtcdSessionCacheOptionsValidator(IServiceProviderIsService? isService = null) : IValidateOptions<EtcdSessionCacheOptions>
{
    /// <summary>A day: longer is surely a unit mistake (and a gRPC deadline must stay within <see cref="DateTime.MaxValue"/>).</summary>
    private static readonly TimeSpan s_maxRequestTimeout = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, EtcdSessionCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var endpoints = options.Endpoints ?? [];
        var sources = new List<string>();
        if (options.Dsn is not null)
        {
            sources.Add(nameof(options.Dsn));
        }

        if (endpoints.Count > 0)
        {
            sources.Add(nameof(options.Endpoints));
        }

        if (options.UseClientFromServices)
        {
            sources.Add(nameof(options.UseClientFromServices));
        }

        if (sources.Count > 1)
        {
            failures.Add($"Set only one way to connect; {string.Join(", ", sources)} are all set.");
        }
        else if (sources.Count == 0)
        {
            failures.Add($"No etcd is configured: set {nameof(options.Dsn)} ('host=127.0.0.1;port=2379'), " +
                $"{nameof(options.Endpoints)} ('http://127.0.0.1:2379') or {nameof(options.UseClientFromServices)} with an EtcdClient in DI.");
        }

        if (options.Dsn is { } dsn)
        {
            if (string.IsNullOrWhiteSpace(dsn))
            {
                failures.Add($"{nameof(options.Dsn)} is empty; give 'host=HOST;port=PORT' or leave it unset.");
            }
            else
            {
                try
                {
                    EtcdDsn.Parse(dsn, options.UseTls);
                }
                catch (FormatException ex)
                {
                    failures.Add($"{nameof(options.Dsn)} cannot be used: {ex.Message}");
                }
            }
        }

        foreach (var endpoint in endpoints)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
            {
                failures.Add($"{nameof(options.Endpoints)} has '{endpoint}', which is not an http:// or https:// URL.");
            }
            else if (options.UseTls != (uri.Scheme == "https"))
            {
                failures.Add($"{nameof(options.Endpoints)} has '{endpoint}', but {nameof(options.UseTls)} is {options.UseTls}: " +
                    $"use https:// URLs exactly when {nameof(options.UseTls)} is on.");
            }
        }

        if ((options.User is null) != (options.Password is null))
        {
            failures.Add($"{nameof(options.User)} and {nameof(options.Password)} go together; set both or neither.");
        }
        else if (options.User is not null && options.UseClientFromServices)
        {
            failures.Add($"{nameof(options.User)} and {nameof(options.Password)} do not apply with {nameof(options.UseClientFromServices)}; " +
                "give the credentials to the EtcdClient in DI instead.");
        }

        if (options.User is "")
        {
            failures.Add($"{nameof(options.User)} is empty.");
        }

        if (options.CaCertificateFile is { } caFile)
        {
            if (!options.UseTls)
            {
                failures.Add($"{nameof(options.CaCertificateFile)} applies only with {nameof(options.UseTls)}.");
            }
            else if (!File.Exists(caFile))
            {
                failures.Add($"{nameof(options.CaCertificateFile)} '{caFile}' does not exist.");
            }
        }

        if (options.UseClientFromServices && isService is not null && !isService.IsService(typeof(EtcdClient)))
        {
            failures.Add($"{nameof(options.UseClientFromServices)} is on, but no EtcdClient is registered in DI.");
        }

        if (string.IsNullOrEmpty(options.KeyPrefix))
        {
            failures.Add($"{nameof(options.KeyPrefix)} is empty; give the prefix of the cache's keys, such as 'sessions/'.");
        }

        if (options.DefaultSlidingExpiration <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(options.DefaultSlidingExpiration)} must be positive; it is {options.DefaultSlidingExpiration}.");
        }

        if (!(options.SlidingExtensionThreshold is >= 0 and <= 0.5))
        {
            failures.Add($"{nameof(options.SlidingExtensionThreshold)} must be from 0 to 0.5; it is {options.SlidingExtensionThreshold}.");
        }

        if (options.RequestTimeout <= TimeSpan.Zero && options.RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"{nameof(options.RequestTimeout)} must be positive, or Timeout.InfiniteTimeSpan for no limit; it is {options.RequestTimeout}.");
        }
        else if (options.RequestTimeout != Timeout.InfiniteTimeSpan && options.RequestTimeout > s_maxRequestTimeout)
        {
            failures.Add($"{nameof(options.RequestTimeout)} must be at most {s_maxRequestTimeout}, or Timeout.InfiniteTimeSpan for no limit; it is {options.RequestTimeout}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
