using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionStore.Etcd.Configuration;

namespace SessionStore.Etcd.Tests;

public class EtcdSessionCacheOptionsValidatorTests
{
    private static ValidateOptionsResult Validate(EtcdSessionCacheOptions options) =>
        new EtcdSessionCacheOptionsValidator().Validate(null, options);

    [Fact]
    public void Validate_Dsn_Succeeds() =>
        Assert.True(Validate(new EtcdSessionCacheOptions { Dsn = "host=127.0.0.1;port=2379" }).Succeeded);

    [Fact]
    public void Validate_Endpoints_Succeeds() =>
        Assert.True(Validate(new EtcdSessionCacheOptions { Endpoints = ["http://127.0.0.1:2379", "http://127.0.0.2:2379"] }).Succeeded);

    [Theory]
    [InlineData(0)]
    [InlineData(-2)] // -1 ms is Timeout.InfiniteTimeSpan, which is allowed
    [InlineData(86_400_001)]
    public void Validate_RequestTimeoutNotPositiveOrOverADay_NamesTheProperty(long milliseconds)
    {
        var result = Validate(new EtcdSessionCacheOptions { Dsn = "host=127.0.0.1;port=2379", RequestTimeout = TimeSpan.FromMilliseconds(milliseconds) });

        Assert.False(result.Succeeded);
        Assert.Contains("RequestTimeout", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RequestTimeoutInfinite_Succeeds() =>
        Assert.True(Validate(new EtcdSessionCacheOptions { Dsn = "host=127.0.0.1;port=2379", RequestTimeout = Timeout.InfiniteTimeSpan }).Succeeded);

    [Fact]
    public void Validate_NothingToConnectTo_NamesTheWays()
    {
        var result = Validate(new EtcdSessionCacheOptions());
        Assert.Contains("Dsn", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Endpoints", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ManyProblems_ReportsEveryOneNamingItsProperty_AndNeverThePassword()
    {
        var result = Validate(new EtcdSessionCacheOptions
        {
            Dsn = "host=a;port=99999",
            Endpoints = ["ftp://x"],
            Password = "s3cret-pw",
            KeyPrefix = "",
            DefaultSlidingExpiration = TimeSpan.Zero,
            SlidingExtensionThreshold = 0.7,
            CaCertificateFile = "/nonexistent.pem",
        });

        Assert.False(result.Succeeded);
        var failures = result.Failures!.ToList();
        foreach (var property in new[] { "only one way", "Dsn", "Endpoints", "User", "KeyPrefix", "DefaultSlidingExpiration", "SlidingExtensionThreshold", "CaCertificateFile" })
        {
            Assert.Contains(failures, f => f.Contains(property, StringComparison.Ordinal));
        }

        Assert.DoesNotContain("s3cret-pw", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_HttpEndpointWithTls_IsRefused() =>
        Assert.Contains("UseTls", Validate(new EtcdSessionCacheOptions { Endpoints = ["http://a:2379"], UseTls = true }).FailureMessage, StringComparison.Ordinal);

    [Fact]
    public void Validate_ClientFromServicesWithoutOneInDi_IsRefused()
    {
        using var provider = new ServiceCollection().BuildServiceProvider();
        var result = new EtcdSessionCacheOptionsValidator(provider.GetRequiredService<IServiceProviderIsService>())
            .Validate(null, new EtcdSessionCacheOptions { UseClientFromServices = true });
        Assert.Contains("no EtcdClient is registered", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void AddEtcdSessionCache_BadSection_FailsAtStartupWithEveryProblem()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Etcd:Dsn"] = "port=2379",
            ["Etcd:SlidingExtensionThreshold"] = "0.9",
        }).Build();
        var services = new ServiceCollection().AddEtcdSessionCache(configuration.GetSection("Etcd"));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<EtcdSessionCacheOptions>>().Value);
        Assert.Equal(2, ex.Failures.Count());
    }

    [Fact]
    public void AddEtcdSessionCache_Section_BindsTheAncestorsKeys()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Etcd:Dsn"] = "host=127.0.0.1;port=2379",
            ["Etcd:KeyPrefix"] = "shop-sessions/",
            ["Etcd:SerializableReads"] = "true",
        }).Build();
        using var provider = new ServiceCollection().AddEtcdSessionCache(configuration.GetSection("Etcd")).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<EtcdSessionCacheOptions>>().Value;
        Assert.Equal("shop-sessions/", options.KeyPrefix);
        Assert.True(options.SerializableReads);
    }
}
