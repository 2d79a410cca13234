using System.CommandLine;
using SessionStore.Cli.Settings;

namespace SessionStore.Cli.Commands;

/// <summary>
/// What a verb's action runs with: its parsed command line, the shared options, the output and Ctrl+C. Disposing it closes the
/// connections of the settings it read.
/// </summary>
internal sealed class CommandContext(ParseResult parseResult, CommonOptions options, CancellationToken cancellationToken) : IDisposable
{
    private readonly List<ToolSettings> _settingsRead = [];

    public ParseResult ParseResult { get; } = parseResult;

    public CommonOptions Options { get; } = options;

    /// <summary>Cancelled by Ctrl+C (SIGINT) or SIGTERM.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    public TextWriter Output => ParseResult.InvocationConfiguration.Output;

    public TextWriter Error => ParseResult.InvocationConfiguration.Error;

    public T? GetValue<T>(Option<T> option) => ParseResult.GetValue(option);

    public ToolSettings ReadSettings(bool connects)
    {
        var settings = ToolSettingsReader.Read(ParseResult, Options, connects);
        _settingsRead.Add(settings);
        return settings;
    }

    public void Dispose()
    {
        foreach (var settings in _settingsRead)
        {
            settings.Dispose();
        }
    }
}
