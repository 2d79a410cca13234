namespace SessionStore.Cli.Schema;

/// <summary>
/// One step of <c>schema upgrade</c>. Every step is safe to repeat and is planned from the table's state, so an upgrade that
/// was interrupted is finished by running it again.
/// </summary>
internal abstract class UpgradeStep
{
    protected UpgradeStep(string description)
    {
        Description = description;
    }

    /// <summary>What the step changes, in words.</summary>
    public string Description { get; }

    /// <summary>The SQL it sends, for <c>--dry-run</c>.</summary>
    public abstract string Sql { get; }

    /// <summary>Runs the step; returns a short account of what it did.</summary>
    public abstract Task<string> ExecuteAsync(UpgradeContext context);
}
