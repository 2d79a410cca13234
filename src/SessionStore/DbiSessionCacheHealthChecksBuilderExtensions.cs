using Microsoft.Extensions.Diagnostics.HealthChecks;
using SessionStore;
using SessionStore.Diagnostics;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the health check of <see cref="DbiSessionCache"/>.</summary>
public static class DbiSessionCacheHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a health check that is healthy when the database answers and the sessions table has a shape the cache can use,
    /// degraded when the last sweep of expired entries failed, and <paramref name="failureStatus"/> otherwise. Register the
    /// cache itself with <c>services.AddDbiSessionCache(…)</c>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name. Default: <c>sessionstore</c>.</param>
    /// <param name="failureStatus">The status reported when the check fails. Default: <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by (for instance <c>ready</c>). Default: none.</param>
    public static IHealthChecksBuilder AddDbiSessionCache(
        this IHealthChecksBuilder builder, string name = "sessionstore", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.Add(new HealthCheckRegistration(
            name, static provider => new DbiSessionCacheHealthCheck(provider.GetRequiredService<DbiSessionCache>()), failureStatus, tags));
    }
}
