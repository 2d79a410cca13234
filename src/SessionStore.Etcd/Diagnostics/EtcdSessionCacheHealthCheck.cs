using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SessionStore.Etcd.Diagnostics;

/// <summary>The health check <c>AddEtcdSessionCache</c> on <c>IHealthChecksBuilder</c> registers: etcd's status of the member it reaches.</summary>
internal sealed class EtcdSessionCacheHealthCheck(EtcdSessionCache cache) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return cache.CheckHealthAsync(context.Registration.FailureStatus, cancellationToken);
    }
}
