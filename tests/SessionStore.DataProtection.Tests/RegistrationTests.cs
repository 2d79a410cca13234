using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionStore.DataProtection.Internal;

namespace SessionStore.DataProtection.Tests;

public sealed class RegistrationTests
{
    [Fact]
    public void PersistKeysToDbi_MakesTheKeyManagerUseTheTable_WithoutConnecting()
    {
        var services = new ServiceCollection();
        services.AddDataProtection().PersistKeysToDbi(o => o.Dsn = "Server=192.0.2.1;Database=d;Connection Timeout=1");
        using var provider = services.BuildServiceProvider();

        var repository = provider.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository;

        Assert.IsType<DbiXmlRepository>(repository);
        Assert.Same(provider.GetRequiredService<DbiXmlRepository>(), repository);
    }

    [Fact]
    public void PersistKeysToDbi_CalledTwice_RegistersOneStoreAndOneValidator()
    {
        var services = new ServiceCollection();
        var builder = services.AddDataProtection();

        builder.PersistKeysToDbi(o => o.Dsn = "Server=127.0.0.1;Database=d").PersistKeysToDbi(o => o.Table = "other_keys");

        Assert.Single(services, d => d.ServiceType == typeof(DbiXmlRepository));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<DbiXmlRepositoryOptions>));
        Assert.Single(services, d => d.ImplementationType == typeof(KeyManagementOptionsSetup));
        using var provider = services.BuildServiceProvider();
        Assert.Equal("other_keys", provider.GetRequiredService<IOptions<DbiXmlRepositoryOptions>>().Value.Table);
    }

    [Fact]
    public void PersistKeysToDbi_NullArguments_Throw()
    {
        var builder = new ServiceCollection().AddDataProtection();

        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ((IDataProtectionBuilder)null!).PersistKeysToDbi(_ => { })).ParamName);
        Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => builder.PersistKeysToDbi((Action<DbiXmlRepositoryOptions>)null!)).ParamName);
        Assert.Equal("configuration", Assert.Throws<ArgumentNullException>(() => builder.PersistKeysToDbi((Microsoft.Extensions.Configuration.IConfiguration)null!)).ParamName);
    }
}
