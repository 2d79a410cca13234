using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionStore.Connections;
using SessionStore.Sql;

namespace SessionStore.Configuration;

/// <summary>
/// Checks <see cref="DbiSessionCacheOptions"/> at startup (registered with <c>ValidateOnStart</c>) and reports every problem
/// at once, each naming its property. Values that may hold secrets (the DSN, the password) are never repeated.
/// </summary>
internal sealed class DbiSessionCacheOptionsValidator : IValidateOptions<DbiSessionCacheOptions>
{
    private readonly IServiceProviderIsService? _isService;

    public DbiSessionCacheOptionsValidator(IServiceProviderIsService? isService = null)
    {
        _isService = isService;
    }

    public ValidateOptionsResult Validate(string? name, DbiSessionCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        ConnectionOptionsValidation.Validate(ConnectionSettings.ForCache(options), options.Table, _isService, failures);

        var columns = new[]
        {
            (Name: nameof(options.IdColumn), Value: options.IdColumn),
            (Name: nameof(options.DataColumn), Value: options.DataColumn),
            (Name: nameof(options.LastActiveColumn), Value: options.LastActiveColumn),
        };
        foreach (var (property, value) in columns)
        {
            if (!SqlIdentifier.IsValid(value))
            {
                failures.Add($"{property} '{value}' is not a column name this library accepts: 1 to {SqlIdentifier.MaxLength} ASCII letters, " +
                    "digits, '_' or '$' (not all digits), with no quotes, backticks, spaces or semicolons.");
            }
        }

        if (columns.Select(c => c.Value).Where(SqlIdentifier.IsValid).GroupBy(v => v, StringComparer.OrdinalIgnoreCase).Any(g => g.Count() > 1))
        {
            failures.Add($"{nameof(options.IdColumn)}, {nameof(options.DataColumn)} and {nameof(options.LastActiveColumn)} must name three different columns.");
        }

        if (options.DefaultSlidingExpiration <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(options.DefaultSlidingExpiration)} must be positive; it is {options.DefaultSlidingExpiration}.");
        }

        if (!(options.SlidingExtensionThreshold is >= 0 and <= 0.5))
        {
            failures.Add($"{nameof(options.SlidingExtensionThreshold)} must be from 0 to 0.5; it is {options.SlidingExtensionThreshold}.");
        }

        if (options.SweepExpiredEntries)
        {
            if (options.SweepInterval < TimeSpan.FromSeconds(1))
            {
                failures.Add($"{nameof(options.SweepInterval)} must be at least one second; it is {options.SweepInterval}.");
            }

            if (options.SweepBatchSize is < 1 or > 100_000)
            {
                failures.Add($"{nameof(options.SweepBatchSize)} must be from 1 to 100000; it is {options.SweepBatchSize}.");
            }

            if (options.SweepBatchPause < TimeSpan.Zero)
            {
                failures.Add($"{nameof(options.SweepBatchPause)} must not be negative; it is {options.SweepBatchPause}.");
            }
        }

        if (options.ProtectValues && _isService is not null && !_isService.IsService(typeof(Microsoft.AspNetCore.DataProtection.IDataProtectionProvider)))
        {
            failures.Add($"{nameof(options.ProtectValues)} is on, but no IDataProtectionProvider is registered: call services.AddDataProtection() " +
                "with a key ring every server shares (such as PersistKeysToDbi).");
        }

        if (options.CoalesceOperations)
        {
            if (options.MaxBatchSize is < 1 or > 1000)
            {
                failures.Add($"{nameof(options.MaxBatchSize)} must be from 1 to 1000; it is {options.MaxBatchSize}.");
            }

            if (options.CoalescingConnections is < 1 or > 64)
            {
                failures.Add($"{nameof(options.CoalescingConnections)} must be from 1 to 64; it is {options.CoalescingConnections}.");
            }
        }

        if (!Enum.IsDefined(options.KeyStorage))
        {
            failures.Add($"{nameof(options.KeyStorage)} is {(int)options.KeyStorage}, which is neither Digest nor Verbatim.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
