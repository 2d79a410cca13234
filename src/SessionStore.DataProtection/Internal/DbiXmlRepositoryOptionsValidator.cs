using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionStore.Configuration;

namespace SessionStore.DataProtection.Internal;

/// <summary>
/// Checks <see cref="DbiXmlRepositoryOptions"/> at startup (registered with <c>ValidateOnStart</c>) and reports every problem
/// at once, each naming its property. The connection and table rules are the core library's, shared with the cache's options.
/// </summary>
internal sealed class DbiXmlRepositoryOptionsValidator : IValidateOptions<DbiXmlRepositoryOptions>
{
    private readonly IServiceProviderIsService? _isService;

    public DbiXmlRepositoryOptionsValidator(IServiceProviderIsService? isService = null)
    {
        _isService = isService;
    }

    public ValidateOptionsResult Validate(string? name, DbiXmlRepositoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        ConnectionOptionsValidation.Validate(options.ToConnectionSettings(), options.Table, _isService, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
