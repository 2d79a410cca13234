namespace SessionStore.Cli.Commands;

/// <summary>
/// Ends a verb with <see cref="ExitCode"/> and a message for the user: a mistake in the settings, a connection that failed,
/// or a table the verb cannot work on. The message never holds a password.
/// </summary>
internal sealed class CommandException : Exception
{
    public CommandException()
        : this(ExitCodes.Error, "The command failed.")
    {
    }

    public CommandException(string message)
        : this(ExitCodes.Error, message)
    {
    }

    public CommandException(string message, Exception innerException)
        : base(message, innerException)
    {
        ExitCode = ExitCodes.Error;
    }

    public CommandException(int exitCode, string message)
        : base(message)
    {
        ExitCode = exitCode;
    }

    public int ExitCode { get; }
}
