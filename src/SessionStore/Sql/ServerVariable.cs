namespace SessionStore.Sql;

/// <summary>A row of <c>SHOW VARIABLES</c>, the third result of <see cref="SqlStatements.DescribeTable"/>.</summary>
internal sealed class ServerVariable
{
    public string Variable_name { get; set; } = "";

    public string? Value { get; set; }
}
