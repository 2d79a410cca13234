using System.Globalization;

namespace SessionStore.Cli.Output;

/// <summary>
/// Reports a purge's running total: on a terminal, on one line rewritten in place (carriage return); redirected to a file
/// or pipe, nothing until the final line, so that logs get one line per purge.
/// </summary>
internal sealed class PurgeProgress(TextWriter output, bool interactive) : IProgress<long>
{
    private bool _shown;

    public long Deleted { get; private set; }

    /// <summary>Called by the purge after each batch, on its own flow: no synchronization context to post to.</summary>
    public void Report(long value)
    {
        Deleted = value;
        if (interactive)
        {
            output.Write(string.Create(CultureInfo.InvariantCulture, $"\rDeleted {value:N0} expired rows…"));
            output.Flush();
            _shown = true;
        }
    }

    /// <summary>Ends the progress line, if one is showing, so that the final message starts a line of its own.</summary>
    public void Finish()
    {
        if (_shown)
        {
            output.WriteLine();
            _shown = false;
        }
    }
}
