using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SessionStore.Diagnostics;

/// <summary>The health check <c>AddDbiSessionCache</c> on <c>IHealthChecksBuilder</c> registers.</summary>
internal sealed class DbiSessionCacheHealthCheck(DbiSessionCache cache) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return cache.CheckHealthAsync(context.Registration.FailureStatus, cancellationToken);
    }
}
