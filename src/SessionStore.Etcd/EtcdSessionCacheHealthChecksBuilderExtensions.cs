using Microsoft.Extensions.Diagnostics.HealthChecks;
using SessionStore.Etcd;
using SessionStore.Etcd.Diagnostics;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the health check of <see cref="EtcdSessionCache"/>.</summary>
public static class EtcdSessionCacheHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a health check that is healthy when the etcd member the cache reaches answers a status request, degraded when it
    /// reports errors (such as a raised NOSPACE alarm), and <paramref name="failureStatus"/> otherwise. Register the cache
    /// itself with <c>services.AddEtcdSessionCache(…)</c>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name. Default: <c>sessionstore-etcd</c>.</param>
    /// <param name="failureStatus">The status reported when the check fails. Default: <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by (for instance <c>ready</c>). Default: none.</param>
    public static IHealthChecksBuilder AddEtcdSessionCache(
        this IHealthChecksBuilder builder, string name = "sessionstore-etcd", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.Add(new HealthCheckRegistration(
            name, static provider => new EtcdSessionCacheHealthCheck(provider.GetRequiredService<EtcdSessionCache>()), failureStatus, tags));
    }
}
