using System.IO.Compression;
using System.Xml.Linq;

namespace SessionStore.PackageTests;

/// <summary>What `dotnet pack` puts in each package: what nuget.org shows and what a debugger needs.</summary>
[Collection(SharedLocalFeed.Name)]
public sealed class PackageContentTests(LocalFeedFixture feed)
{
    [Theory]
    [InlineData("SessionStore")]
    [InlineData("SessionStore.AspNetCore")]
    [InlineData("SessionStore.DataProtection")]
    public void LibraryPackage_HoldsAssemblyXmlDocsReadmeLicenseAndRepository(string id)
    {
        using var package = ZipFile.OpenRead(feed.PackagePath(id));
        var entries = package.Entries.Select(e => e.FullName).ToHashSet();

        Assert.Contains($"lib/net10.0/{id}.dll", entries);
        Assert.Contains($"lib/net10.0/{id}.xml", entries);
        Assert.Contains("README.md", entries);
        Assert.DoesNotContain(entries, e => e.EndsWith(".pdb", StringComparison.OrdinalIgnoreCase));

        var metadata = Nuspec(package);
        Assert.Equal(id, Element(metadata, "id"));
        Assert.Equal(feed.Version, Element(metadata, "version"));
        Assert.Equal("README.md", Element(metadata, "readme"));
        var license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.Equal(("expression", "MIT"), ((string?)license.Attribute("type"), license.Value));
        Assert.False(string.IsNullOrWhiteSpace(Element(metadata, "description")));

        // The commit the package was built from (Source Link reads it from git; the URL comes from RepositoryUrl).
        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.Matches("^[0-9a-f]{40}$", (string?)repository.Attribute("commit"));
    }

    [Theory]
    [InlineData("SessionStore")]
    [InlineData("SessionStore.AspNetCore")]
    [InlineData("SessionStore.DataProtection")]
    [InlineData(LocalFeedFixture.ToolId)]
    public void SymbolPackage_HoldsThePortablePdb(string id)
    {
        using var symbols = ZipFile.OpenRead(feed.SymbolPackagePath(id));

        var pdb = Assert.Single(symbols.Entries, e => e.FullName.EndsWith($"/{id}.pdb", StringComparison.Ordinal));
        using var stream = pdb.Open();
        var signature = new byte[4];
        stream.ReadExactly(signature);
        Assert.Equal("BSJB"u8.ToArray(), signature); // the metadata signature that starts a portable PDB
    }

    [Fact]
    public void ToolPackage_IsADotnetToolNamedSessionstore()
    {
        using var package = ZipFile.OpenRead(feed.PackagePath(LocalFeedFixture.ToolId));
        var entries = package.Entries.Select(e => e.FullName).ToList();

        var metadata = Nuspec(package);
        var packageType = metadata.Descendants().Single(e => e.Name.LocalName == "packageType");
        Assert.Equal("DotnetTool", (string?)packageType.Attribute("name"));
        Assert.Contains("README.md", entries);

        var settingsEntry = Assert.Single(package.Entries, e => e.FullName.EndsWith("/DotnetToolSettings.xml", StringComparison.Ordinal));
        using var settingsStream = settingsEntry.Open();
        var command = XDocument.Load(settingsStream).Descendants("Command").Single();
        Assert.Equal("sessionstore", (string?)command.Attribute("Name"));
    }

    private static XElement Nuspec(ZipArchive package)
    {
        var nuspec = Assert.Single(package.Entries, e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspec.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string? Element(XElement metadata, string name) =>
        metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
}
