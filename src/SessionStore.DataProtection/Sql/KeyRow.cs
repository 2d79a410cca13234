namespace SessionStore.DataProtection.Sql;

/// <summary>One stored element as <see cref="SqlStatements.SelectAll"/> returns it.</summary>
internal sealed record KeyRow(long Id, string FriendlyName, string Xml);
