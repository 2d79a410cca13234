namespace SessionStore.DevServer.LocalProcess;

/// <summary>
/// Which server a binary is: they differ in how a data directory is initialised and in a few flags.
/// </summary>
internal enum ServerFlavor
{
    MariaDb,
    MySql,
}
