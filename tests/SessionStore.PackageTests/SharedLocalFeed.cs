namespace SessionStore.PackageTests;

/// <summary>The test classes that share one packing of the libraries (and run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class SharedLocalFeed : ICollectionFixture<LocalFeedFixture>
{
    public const string Name = "Local feed";
}
