namespace SessionStore.PackageTests;

/// <summary>The checkout these tests run from: the directory above the test binaries that holds SessionStore.sln.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "SessionStore.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No SessionStore.sln above {AppContext.BaseDirectory}; run these tests from the repository.");
    }

    /// <summary>The version Directory.Packages.props pins for <paramref name="packageId"/>.</summary>
    public static string PinnedVersion(string packageId)
    {
        var props = System.Xml.Linq.XDocument.Load(System.IO.Path.Combine(Path, "Directory.Packages.props"));
        return props.Descendants("PackageVersion").Single(e => (string?)e.Attribute("Include") == packageId).Attribute("Version")!.Value;
    }
}
