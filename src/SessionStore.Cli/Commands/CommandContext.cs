using System.CommandLine;
using SessionStore.Cli.Settings;

namespace SessionStore.Cli.Commands;

/// <summary>What a verb's action runs with: its parsed command line, the shared options, the output and Ctrl+C.</summary>
internal sealed class CommandContext(ParseResult parseResult, CommonOptions options, CancellationToken cancellationToken)
{
    public ParseResult ParseResult { get; } = parseResult;

    public CommonOptions Options { get; } = options;

    /// <summary>Cancelled by Ctrl+C (SIGINT) or SIGTERM.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    public TextWriter Output => ParseResult.InvocationConfiguration.Output;

    public TextWriter Error => ParseResult.InvocationConfiguration.Error;

    public T? GetValue<T>(Option<T> option) => ParseResult.GetValue(option);

    public ToolSettings ReadSettings(bool connects) => ToolSettingsReader.Read(ParseResult, Options, connects);
}
