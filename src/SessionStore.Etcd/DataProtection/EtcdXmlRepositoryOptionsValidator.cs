using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SessionStore.Etcd.DataProtection;

/// <summary>
/// Checks <see cref="EtcdXmlRepositoryOptions"/> at startup (registered with <c>ValidateOnStart</c>) and reports every problem
/// at once, each naming its property. The connection itself is <c>AddEtcdSessionCache</c>'s and validated by its validator.
/// </summary>
internal sealed class EtcdXmlRepositoryOptionsValidator(IOptions<EtcdSessionCacheOptions> cacheOptions, IServiceProviderIsService? isService = null)
    : IValidateOptions<EtcdXmlRepositoryOptions>
{
    public ValidateOptionsResult Validate(string? name, EtcdXmlRepositoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (isService is not null && !isService.IsService(typeof(EtcdSessionCache)))
        {
            failures.Add("PersistKeysToEtcd connects with the options of AddEtcdSessionCache, which is not registered: " +
                "call services.AddEtcdSessionCache(...) as well.");
        }

        if (string.IsNullOrEmpty(options.KeyPrefix))
        {
            failures.Add($"{nameof(options.KeyPrefix)} is empty; the key ring needs a prefix of its own, such as 'dataprotection/'.");
        }
        else if (cacheOptions.Value.KeyPrefix is { Length: > 0 } cachePrefix
            && (options.KeyPrefix.StartsWith(cachePrefix, StringComparison.Ordinal) || cachePrefix.StartsWith(options.KeyPrefix, StringComparison.Ordinal)))
        {
            // A shared range would make the key ring read session envelopes as XML, and the cache's key count include the keys.
            failures.Add($"{nameof(options.KeyPrefix)} '{options.KeyPrefix}' overlaps the cache's {nameof(EtcdSessionCacheOptions.KeyPrefix)} " +
                $"'{cachePrefix}'; give the key ring a prefix of its own, such as 'dataprotection/'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
